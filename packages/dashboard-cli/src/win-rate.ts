import { inverseNormalCdf } from './inverse-normal-cdf.js';

export const DEFAULT_CONFIDENCE = 0.95;
const MIN_CONFIDENCE = 0.5;
const MAX_CONFIDENCE = 0.999;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * α/(α+β) and β/(α+β), computed from the ratio of the smaller to the larger count so that
 * neither the sum nor a product can overflow or underflow: α = β = 1e308 gives 0.5, as does
 * α = β = 5e-324 (their sum overflowing to Infinity still compares > 0). Null when α+β ≤ 0.
 */
function shares(alpha: number, beta: number): { win: number; loss: number } | null {
  if (!(alpha + beta > 0)) return null;
  if (alpha >= beta) {
    const ratio = beta / alpha;
    return { win: 1 / (1 + ratio), loss: ratio / (1 + ratio) };
  }
  const ratio = alpha / beta;
  return { win: ratio / (1 + ratio), loss: 1 / (1 + ratio) };
}

/** α/(α+β), the posterior mean win rate; null when α+β ≤ 0. */
export function winRateMean(alpha: number, beta: number): number | null {
  return shares(alpha, beta)?.win ?? null;
}

/**
 * Lower confidence bound of the win rate by the normal approximation of Beta(α, β):
 * mean − z·√variance with z = Φ⁻¹(0.5 + c/2), c clamped to [0.5, 0.999], result clamped to
 * [0, 1]. The Beta variance αβ/((α+β)²(α+β+1)) is computed as mean·(1−mean)/(α+β+1), which no
 * finite α and β can overflow (an α+β beyond the largest double only makes it 0). With α+β ≤ 1
 * the Beta variance is meaningless, so the Bernoulli variance mean(1−mean) is used instead. Null
 * when α+β ≤ 0.
 */
export function winRateLcb(
  alpha: number,
  beta: number,
  confidence: number = DEFAULT_CONFIDENCE,
): number | null {
  const share = shares(alpha, beta);
  if (share === null) return null;
  const total = alpha + beta;
  const bernoulli = share.win * share.loss;
  const variance = total <= 1 ? bernoulli : bernoulli / (total + 1);
  const z = inverseNormalCdf(0.5 + clamp(confidence, MIN_CONFIDENCE, MAX_CONFIDENCE) / 2);
  return clamp(share.win - z * Math.sqrt(variance), 0, 1);
}
