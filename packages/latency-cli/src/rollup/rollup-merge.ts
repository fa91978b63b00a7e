import type { RollupRow, StoredRollupRow } from '@obs-automation/latency-store';
import { applyBreachStreaks, type BreachRule } from './breach.js';

interface Span {
  startMs: number;
  endMs: number;
}

function spansOverlap(a: Span, b: Span): boolean {
  return a.startMs < b.endMs && b.startMs < a.endMs;
}

/** Binary search over spans sorted by start. */
function overlapsAny(row: Span, sorted: readonly Span[]): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as Span).endMs <= row.startMs) low = middle + 1;
    else high = middle;
  }
  const candidate = sorted[low];
  return candidate !== undefined && spansOverlap(row, candidate);
}

/**
 * The rollup after this run: recomputed windows replace every existing row they overlap
 * (a changed --window supersedes old rows instead of mixing with them), other rows are kept,
 * rows that ended before `retentionCutoffMs` are dropped, and flags and streaks are recomputed
 * over the result, sorted by window start.
 */
export function mergeRollup(
  existing: readonly StoredRollupRow[],
  recomputed: readonly RollupRow[],
  retentionCutoffMs: number,
  rule: BreachRule,
): RollupRow[] {
  const fresh = [...recomputed].sort((a, b) => a.startMs - b.startMs);
  const kept = existing
    .filter((row) => !overlapsAny(row, fresh))
    .map((row) => ({ ...row, breachFlag: false, breachStreak: 0 }));
  const merged = [...kept, ...fresh]
    .filter((row) => row.endMs >= retentionCutoffMs)
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  applyBreachStreaks(merged, rule);
  return merged;
}
