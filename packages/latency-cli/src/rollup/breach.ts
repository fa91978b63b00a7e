/** The SLO a window is judged against. */
export interface BreachRule {
  sloP95Ms: number;
  failureRateThreshold: number;
}

export interface BreachInput {
  startMs: number;
  endMs: number;
  p95Ms: number;
  failureRate: number;
  breachFlag: boolean;
  breachStreak: number;
}

export function isBreach(window: { p95Ms: number; failureRate: number }, rule: BreachRule): boolean {
  return window.p95Ms > rule.sloP95Ms || window.failureRate > rule.failureRateThreshold;
}

/**
 * Sets `breachFlag` and `breachStreak` on rows sorted by start. The streak counts consecutive
 * breached windows ending at each row; a gap (a window with no samples, hence no row) breaks it,
 * so the streak is a property of the data and re-running gives the same numbers.
 */
export function applyBreachStreaks(rows: BreachInput[], rule: BreachRule): void {
  let streak = 0;
  let previousEnd = Number.NaN;
  for (const row of rows) {
    row.breachFlag = isBreach(row, rule);
    const contiguous = row.startMs === previousEnd;
    streak = row.breachFlag ? (contiguous ? streak + 1 : 1) : 0;
    row.breachStreak = streak;
    previousEnd = row.endMs;
  }
}
