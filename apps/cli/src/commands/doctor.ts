import type { CommandRun } from '../context.js';
import { authChecks } from '../doctor/auth-checks.js';
import { type Check, guarded, type Verdict } from '../doctor/check.js';
import { environmentChecks } from '../doctor/environment-checks.js';
import { caAndProxyChecks, issuerCheck } from '../doctor/network-checks.js';
import { portChecks } from '../doctor/port-checks.js';
import { Exit } from '../error-table.js';
import { issuerOf } from '../session.js';
import type { Output } from '../ui/output.js';

/** `codex-oauth doctor [--json]`: every check with a verdict and a fix; exit 2 if one fails. */
export const doctor: CommandRun = async (ctx) => {
  const { out, flags, env } = ctx;
  const issuer = issuerOf(ctx);
  const spinner = flags.json ? undefined : out.spinner(`Checking (network check of ${issuer})…`);
  let checks: Check[];
  try {
    // Independent checks run together; the network one is bounded, so doctor always answers.
    const groups = await Promise.all([
      guarded('environment', 'Environment', () => environmentChecks(env, flags)),
      guarded('ca', 'CA certificates', () => caAndProxyChecks(env, issuer)),
      guarded('issuer', 'Issuer', async () => [await issuerCheck(env, issuer, ctx.signal)]),
      guarded('ports', 'Ports', () => portChecks(flags.port)),
      guarded('auth', 'auth.json', () => authChecks(ctx)),
    ]);
    checks = groups.flat();
  } finally {
    spinner?.stop();
  }
  const ok = !checks.some((c) => c.verdict === 'fail');
  if (flags.json) out.document({ ok, issuer, checks });
  else print(out, checks, ok);
  return ok ? Exit.OK : Exit.ERROR;
};

function print(out: Output, checks: Check[], ok: boolean): void {
  const { c } = out;
  const marks: Record<Verdict, string> = {
    ok: c.green('✓'),
    info: c.cyan('•'),
    warn: c.yellow('!'),
    fail: c.red('✗'),
  };
  const width = Math.max(...checks.map((k) => k.title.length)) + 1;
  for (const k of checks) {
    out.line(`${marks[k.verdict]} ${c.bold(`${k.title}:`.padEnd(width + 1))}${k.summary}`);
    for (const detail of k.details) out.line(c.dim(`    ${detail}`));
    if (k.fix && k.verdict !== 'ok') out.line(`    ${c.yellow('fix:')} ${k.fix}`);
  }
  const warnings = checks.filter((k) => k.verdict === 'warn').length;
  out.line();
  out.line(
    ok
      ? `${c.green('No problems found')}${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}.`
      : c.red('Some checks failed: see the fixes above.'),
  );
}
