import { arch, type as osType, release } from 'node:os';
import packageJson from '../../package.json' with { type: 'json' };

/**
 * `codex-oauth/<version> (<os> <release>; <arch>) node/<version>`, the shape of upstream's
 * user agent (§4.5), sent on every request by the transport. Characters a header cannot carry
 * become `_`, as upstream does.
 */
export const USER_AGENT =
  `codex-oauth/${packageJson.version} (${osType()} ${release()}; ${arch()}) node/${process.versions.node}`.replace(
    /[^\x20-\x7e]/g,
    '_',
  );
