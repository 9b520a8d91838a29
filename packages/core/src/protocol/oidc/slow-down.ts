/** RFC 8628 §3.5: `slow_down` adds five seconds to the interval. */
const SLOW_DOWN_STEP_MS = 5_000;

/** RFC 8628's `slow_down`: five seconds more. */
export function slowDownRfc8628(intervalMs: number): number {
  return intervalMs + SLOW_DOWN_STEP_MS;
}
