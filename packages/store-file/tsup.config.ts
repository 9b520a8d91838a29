import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.ts';

// smol-toml is bundled (a build-time dependency): reading config.toml needs only its `parse`, and
// bundling it saves users a package and ~180 KB (src/codex-config.ts, the README's "Dependencies").
export default defineConfig(packageBuild({ index: 'src/index.ts' }, { noExternal: ['smol-toml'] }));
