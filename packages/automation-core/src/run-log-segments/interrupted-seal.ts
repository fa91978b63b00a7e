import { sequencedEnd } from '../log-tail.js';
import { dropSealedPrefix, prefixSha256 } from './open-log-range.js';
import type { SegmentManifest } from './segment-manifest.js';

export type InterruptedSeal = 'none' | 'finished' | 'overlap';

/**
 * Finishes a seal killed after its manifest line and before the open log was replaced: when the
 * open log still begins with a sequence the last segment holds, and its first bytes are exactly
 * what was sealed (size and SHA-256 on record), they are dropped from the open log. An overlap
 * that is not exactly the sealed bytes is left alone (`overlap`) for obs-verify to report: no
 * line is ever dropped unless it is in a segment. The caller holds the run log's lock.
 */
export async function finishInterruptedSeal(
  logFile: string,
  manifest: SegmentManifest,
): Promise<InterruptedSeal> {
  const last = manifest.live.at(-1);
  if (!last) return 'none';
  const head = await sequencedEnd(logFile, 'first');
  if (head?.entry == null || head.entry.sequence > last.last_sequence) return 'none';
  if (
    head.size < last.source_bytes ||
    (await prefixSha256(logFile, last.source_bytes)) !== last.source_sha256
  ) {
    return 'overlap';
  }
  await dropSealedPrefix(logFile, last.source_bytes, head.size);
  return 'finished';
}
