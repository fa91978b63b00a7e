import { type Duration, MS_PER_DAY, parseDuration } from '@obs-automation/core';

/** A rollup window length: `<n>m` or `<n>h` that divides a day, so windows align to UTC midnight. */
export type WindowSpec = Duration;

/** What is wrong with a window length, or undefined when it divides a day. */
export function windowProblem(window: Duration): string | undefined {
  return window.ms > MS_PER_DAY || MS_PER_DAY % window.ms !== 0
    ? `window ${window.text} must divide 24h evenly so that windows align to UTC midnight`
    : undefined;
}

/** Returns the window for `1h`, `15m`, …; throws a RangeError naming the rule it breaks. */
export function parseWindow(text: string): WindowSpec {
  const window = parseDuration(text.trim());
  if (!window) throw new RangeError(`"${text}" is not a window (use <n>m or <n>h, e.g. 15m or 1h)`);
  const problem = windowProblem(window);
  if (problem) throw new RangeError(problem);
  return window;
}

/** Start (epoch ms) of the window holding `timestampMs`. */
export function windowStartOf(timestampMs: number, windowMs: number): number {
  return Math.floor(timestampMs / windowMs) * windowMs;
}
