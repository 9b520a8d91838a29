import { authorizeUrl as buildUrl } from '@codex-oauth/core';
import type { CommandRun } from '../context.js';
import { Exit } from '../error-table.js';

/** `codex-oauth authorize-url`: a sign-in URL on stdout; binds no port, stores nothing. */
export const authorizeUrl: CommandRun = async (ctx) => {
  const { flags } = ctx;
  const url = await buildUrl({
    ...(flags.issuer !== undefined && { issuer: flags.issuer }),
    ...(flags.codexHome !== undefined && { codexHome: flags.codexHome }),
    ...(flags.port !== undefined && { port: flags.port }),
    signal: ctx.signal,
  });
  if (flags.json) ctx.out.document({ url });
  else ctx.out.stdout(url);
  return Exit.OK;
};
