import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '@obs-automation/core';

/** A rollup window length: `<n>m` or `<n>h` that divides a day, so windows align to UTC midnight. */
export interface WindowSpec {
  text: string;
  ms: number;
}

const WINDOW_TEXT = /^([1-9][0-9]*)(m|h)$/;

/** Returns the window for `1h`, `15m`, …; throws a RangeError naming the rule it breaks. */
export function parseWindow(text: string): WindowSpec {
  const match = WINDOW_TEXT.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a window (use <n>m or <n>h, e.g. 15m or 1h)`);
  const ms = Number(match[1]) * (match[2] === 'h' ? MS_PER_HOUR : MS_PER_MINUTE);
  if (ms > MS_PER_DAY || MS_PER_DAY % ms !== 0) {
    throw new RangeError(`window ${text} must divide 24h evenly so that windows align to UTC midnight`);
  }
  return { text: text.trim(), ms };
}

/** Start (epoch ms) of the window holding `timestampMs`. */
export function windowStartOf(timestampMs: number, windowMs: number): number {
  return Math.floor(timestampMs / windowMs) * windowMs;
}
