import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

// An app: `main` serves against the configured issuer, `dev` embeds the fake issuer too.
export default defineConfig(
  packageBuild({ main: 'src/main.ts', dev: 'src/dev.ts' }, { dts: false, sourcemap: false }),
);
