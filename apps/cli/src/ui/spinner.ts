/** A running spinner: change its text, or stop it (which clears its line). */
export interface Spinner {
  update(text: string): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const INTERVAL_MS = 80;

/**
 * A one-line spinner on `stream`. On a TTY it redraws in place; elsewhere (a pipe, a log file) it
 * writes each text once as a plain line, so logs stay readable. The timer is unreferenced: a
 * spinner never keeps the process alive on its own.
 */
export function startSpinner(
  stream: { write(text: string): void },
  text: string,
  animate: boolean,
  paint: (frame: string) => string = (frame) => frame,
): Spinner {
  let current = text;
  if (!animate) {
    stream.write(`${text}\n`);
    return {
      update(next) {
        if (next !== current) stream.write(`${next}\n`);
        current = next;
      },
      stop() {},
    };
  }
  let frame = 0;
  const draw = () => {
    stream.write(`\r\x1b[2K${paint(FRAMES[frame % FRAMES.length] ?? '')} ${current}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, INTERVAL_MS);
  timer.unref();
  let stopped = false;
  return {
    update(next) {
      current = next;
      if (!stopped) draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
