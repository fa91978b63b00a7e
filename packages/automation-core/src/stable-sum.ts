/**
 * Σ values ÷ divisor without overflowing: the plain sum when it is finite (so ordinary figures
 * come out exactly as `sum / divisor`), otherwise the sum of each value divided first — finite
 * inputs whose total passes the largest double (two fill counts of 1e308) then still give their
 * true, finite mean. `divisor` must be ≥ 1 (a count).
 */
export function dividedSum(values: Iterable<number>, divisor: number): number {
  let sum = 0;
  for (const value of values) sum += value;
  if (Number.isFinite(sum)) return sum / divisor;
  let divided = 0;
  for (const value of values) divided += value / divisor;
  return divided;
}
