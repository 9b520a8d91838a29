import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

export default defineConfig(
  packageBuild(
    {
      index: 'src/index.ts',
      model: 'src/model/index.ts',
      status: 'src/status.ts',
      testing: 'src/testing/index.ts',
    },
    // Shared chunks, so the subpaths and the main entry hold one copy of each module (one
    // CodexOAuthError class, one shared memory store) whichever a program imports first.
    { splitting: true },
  ),
);
