import { inverseNormalCdf } from './inverse-normal-cdf.js';

export const DEFAULT_CONFIDENCE = 0.95;
const MIN_CONFIDENCE = 0.5;
const MAX_CONFIDENCE = 0.999;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** α/(α+β), the posterior mean win rate; null when α+β ≤ 0. */
export function winRateMean(alpha: number, beta: number): number | null {
  const total = alpha + beta;
  if (!(total > 0)) return null;
  return alpha / total;
}

/**
 * Lower confidence bound of the win rate by the normal approximation of Beta(α, β):
 * mean − z·√variance with z = Φ⁻¹(0.5 + c/2), c clamped to [0.5, 0.999], result clamped to
 * [0, 1]. With α+β ≤ 1 the Beta variance is meaningless, so the Bernoulli variance mean(1−mean)
 * is used instead. Null when α+β ≤ 0.
 */
export function winRateLcb(
  alpha: number,
  beta: number,
  confidence: number = DEFAULT_CONFIDENCE,
): number | null {
  const mean = winRateMean(alpha, beta);
  if (mean === null) return null;
  const total = alpha + beta;
  const variance = total <= 1 ? mean * (1 - mean) : (alpha * beta) / (total * total * (total + 1));
  const z = inverseNormalCdf(0.5 + clamp(confidence, MIN_CONFIDENCE, MAX_CONFIDENCE) / 2);
  return clamp(mean - z * Math.sqrt(Math.max(0, variance)), 0, 1);
}
