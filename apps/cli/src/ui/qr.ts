/**
 * The QR code of `text` in Unicode half blocks (two modules per character cell), for a terminal.
 * The renderer is imported here, on first use, so only a device sign-in on a TTY pays for it.
 */
export async function renderQr(text: string): Promise<string> {
  const { renderUnicodeCompact } = await import('uqr');
  // A quiet zone of 2 modules is below the standard 4, but scanners cope on a dark-on-light
  // terminal and it keeps the code small enough for an 80x24 window.
  return renderUnicodeCompact(text, { border: 2, ecc: 'L' });
}
