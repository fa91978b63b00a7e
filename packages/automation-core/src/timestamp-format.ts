/**
 * The timestamp shapes the tools write, all in UTC. `Date.prototype.toISOString()` is the
 * fourth (milliseconds); these are the others, each written in one place.
 */

const isoText = (at: Date | number) => (typeof at === 'number' ? new Date(at) : at).toISOString();

/** `2025-10-08T10:15:00Z`: to the second (a fraction is dropped, not rounded). */
export function isoSeconds(at: Date | number): string {
  return `${isoText(at).slice(0, 19)}Z`;
}

/** `2025-10-08`: the UTC calendar date. */
export function isoDate(at: Date | number): string {
  return isoText(at).slice(0, 10);
}

/** `20251008T101500Z`: the stamp that opens a job id. */
export function compactUtcStamp(at: Date | number): string {
  const iso = isoText(at);
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}
