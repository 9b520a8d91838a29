import type { Output } from './output.js';
import { renderQr } from './qr.js';

// Fullwidth forms are two cells wide: the code reads large in any terminal font, no figlet needed.
function fullwidth(text: string): string {
  return [...text]
    .map((ch) => (ch >= '!' && ch <= '~' ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch))
    .join('');
}

/**
 * Shows a device code: on a TTY large in a box, with the link and a QR code of the link; in a
 * pipe or log as one plain line. The plain code is printed in both cases so it can be copied.
 */
export async function showDeviceCode(
  out: Output,
  userCode: string,
  verificationUrl: string,
  expiresAt: Date | null,
): Promise<void> {
  const { c } = out;
  const minutes = expiresAt
    ? Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 60_000))
    : null;
  const expiry = minutes ? ` (expires in ${minutes} minute${minutes === 1 ? '' : 's'})` : '';
  if (!out.tty) {
    out.line(`Open ${verificationUrl} and enter the code ${userCode}${expiry}`);
    return;
  }
  const big = fullwidth(userCode.split('').join(''));
  const inner = `   ${big}   `;
  const width = userCode.length * 2 + 6;
  out.line();
  out.line(`  Open ${c.cyan(c.bold(verificationUrl))} and enter this code:`);
  out.line();
  out.line(`    ╭${'─'.repeat(width)}╮`);
  out.line(`    │${c.bold(inner)}│`);
  out.line(`    ╰${'─'.repeat(width)}╯`);
  out.line(`    ${c.dim(`code: ${userCode}${expiry}`)}`);
  try {
    const qr = await renderQr(verificationUrl);
    out.line();
    out.line(`  ${c.dim('Or scan this with your phone:')}`);
    out.line(qr.replace(/^/gm, '  '));
  } catch {
    // The QR code is a convenience; the link and the code above are enough.
  }
  out.line();
}
