const UNITS: readonly [number, string][] = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'm'],
  [1, 's'],
];

/**
 * A length of time for people, in its two largest units: `45s`, `12m`, `2h 5m`, `3d 4h`. A
 * negative length (a time ahead of the clock) is shown as its size.
 */
export function durationText(seconds: number): string {
  let left = Math.round(Math.abs(seconds));
  if (left === 0) return '0s';
  const parts: string[] = [];
  for (const [size, unit] of UNITS) {
    if (left >= size && parts.length < 2) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return parts.join(' ');
}

/** `2h 5m ago`, or `in 10m` for a time ahead of the clock. */
export function ageText(ageSeconds: number): string {
  return ageSeconds < 0 ? `in ${durationText(ageSeconds)}` : `${durationText(ageSeconds)} ago`;
}

/** `2026-11-24T12:05Z`: an ISO timestamp to the minute, for screens; `—` for anything else. */
export function minuteText(value: unknown): string {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)
    ? `${value.slice(0, 16)}Z`
    : '—';
}
