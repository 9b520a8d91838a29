// The native Codex binaries installed for tests (tools/test-support): 0.169.0 as @openai/codex,
// 0.171.0 under the npm alias codex-0171.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const PACKAGES = { '0.169.0': '@openai/codex', '0.171.0': 'codex-0171' };

/** The Codex versions a benchmark can run. */
export const CODEX_VERSIONS = Object.keys(PACKAGES);

/**
 * Path of the native binary of Codex `version`, or null when it is not installed here.
 *
 * @param {string} version one of {@link CODEX_VERSIONS}
 */
export function codexBinaryOf(version) {
  const key = `${process.platform}-${process.arch}`;
  const triple = {
    'linux-x64': 'x86_64-unknown-linux-musl',
    'linux-arm64': 'aarch64-unknown-linux-musl',
  }[key];
  try {
    const from = createRequire(join(root, 'tools/test-support/package.json'));
    const wrapper = from.resolve(`${PACKAGES[version]}/package.json`);
    const platform = createRequire(wrapper).resolve(`@openai/codex-${key}/package.json`);
    const binary = join(dirname(platform), 'vendor', triple, 'bin', 'codex');
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}
