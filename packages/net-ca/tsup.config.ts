import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

export default defineConfig(
  packageBuild(
    {
      index: 'src/index.ts',
      config: 'src/config.ts',
      'error-brand': 'src/error-brand.ts',
    },
    // Shared chunks, so `config` and the main entry hold one copy of each module (one NetCaError
    // class) whichever a program imports first.
    { splitting: true },
  ),
);
