import type { CommandRun, Context } from '../context.js';
import { authChecks } from '../doctor/auth-checks.js';
import { type Check, guarded, type Verdict } from '../doctor/check.js';
import { environmentChecks } from '../doctor/environment-checks.js';
import { type CaAndProxy, caAndProxyChecks, issuerCheck } from '../doctor/network-checks.js';
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
    // The CA bundle is parsed once, here, and the issuer request reuses it. The checks that wait
    // (the issuer request, the port binds, auth.json and its lock) then run together, the
    // network one first so its round trip overlaps the others; it is bounded, so doctor always
    // answers.
    const ca = await guardedCa(env, issuer);
    const groups = await Promise.all([
      guarded('issuer', 'Issuer', async () => [
        await issuerCheck(env, issuer, ctx.signal, ca.bundle),
      ]),
      guarded('environment', 'Environment', () => environmentChecks(env, flags)),
      guarded('ports', 'Ports', () => portChecks(flags.port)),
      guarded('auth', 'auth.json', () => authChecks(ctx)),
    ]);
    const [issuerGroup = [], ...rest] = groups;
    // Printed in the order people read them: where we are, trust and proxy, the issuer, the rest.
    checks = [...(rest[0] ?? []), ...ca.checks, ...issuerGroup, ...rest.slice(1).flat()];
  } finally {
    spinner?.stop();
  }
  const ok = !checks.some((c) => c.verdict === 'fail');
  if (flags.json) out.document({ ok, issuer, checks });
  else print(out, checks, ok);
  return ok ? Exit.OK : Exit.ERROR;
};

/** {@link caAndProxyChecks}, a throw turned into a failed check (and no bundle for the issuer). */
async function guardedCa(env: Context['env'], issuer: string): Promise<CaAndProxy> {
  let bundle: CaAndProxy['bundle'] = null;
  const checks = await guarded('ca', 'CA certificates', () => {
    const result = caAndProxyChecks(env, issuer);
    bundle = result.bundle;
    return result.checks;
  });
  return { checks, bundle };
}

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
