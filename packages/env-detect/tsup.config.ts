import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

// ci-info is bundled: only its vendors.json is used, 7 KB of data that would otherwise cost users
// a whole package (see src/ci.ts and the README's "Dependencies").
export default defineConfig(packageBuild({ index: 'src/index.ts' }, { noExternal: ['ci-info'] }));
