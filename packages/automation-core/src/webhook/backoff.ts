export const MAX_BACKOFF_SECONDS = 900;
const JITTER = 0.2;

/**
 * Wait before retry `retry` (1-based): retryWaitSeconds × 2^(retry−1), ±20 % jitter, capped at
 * 900 s, rounded to milliseconds.
 */
export function backoffSeconds(
  retry: number,
  retryWaitSeconds: number,
  random: () => number = Math.random,
): number {
  const base = retryWaitSeconds * 2 ** (retry - 1);
  const jittered = base * (1 + JITTER * (2 * random() - 1));
  return Math.min(MAX_BACKOFF_SECONDS, Math.round(jittered * 1000) / 1000);
}
