/** A point of the portfolio's aggregate equity curve. */
export interface EquityPoint {
  ts: string;
  equity: number;
}

export interface EquityCurveSummary {
  start: EquityPoint | null;
  end: EquityPoint | null;
  peak: EquityPoint | null;
  trough: EquityPoint | null;
  /** the curve thinned to at most MAX_CURVE_POINTS, first and last point always kept */
  points: EquityPoint[];
}

export const MAX_CURVE_POINTS = 200;

export function summariseEquityCurve(curve: readonly EquityPoint[]): EquityCurveSummary {
  let peak: EquityPoint | null = null;
  let trough: EquityPoint | null = null;
  for (const point of curve) {
    if (!peak || point.equity > peak.equity) peak = point;
    if (!trough || point.equity < trough.equity) trough = point;
  }
  return {
    start: curve[0] ?? null,
    end: curve[curve.length - 1] ?? null,
    peak,
    trough,
    points: thin(curve, MAX_CURVE_POINTS),
  };
}

/** Evenly spaced points including both ends. */
function thin(curve: readonly EquityPoint[], limit: number): EquityPoint[] {
  if (curve.length <= limit) return [...curve];
  const step = (curve.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, index) => curve[Math.round(index * step)] as EquityPoint);
}
