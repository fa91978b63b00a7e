/** One latency measurement, whatever file format it was read from. */
export interface LatencySample {
  timestampMs: number;
  source: string;
  latencyMs: number;
  ingestLatencyMs: number | null;
  /** as written; an empty status reads as `success` */
  status: string;
  detail: string;
  failed: boolean;
}

/** Statuses that count as a successful delivery; anything else is a failure. */
export const SUCCESS_STATUSES: readonly string[] = ['success', 'ok', 'stable'];

export function isFailureStatus(status: string): boolean {
  const normalised = status.trim().toLowerCase();
  return normalised !== '' && !SUCCESS_STATUSES.includes(normalised);
}
