import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

export default defineConfig(
  packageBuild({ index: 'src/index.ts', cli: 'src/cli.ts', demo: 'src/demo.ts' }),
);
