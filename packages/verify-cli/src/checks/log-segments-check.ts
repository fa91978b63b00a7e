import { REPORTED_LINES } from '../log/first-items.js';
import type { UpkeepResult } from '../log/segment-upkeep.js';
import type { SegmentScanReport } from '../log/segmented-log-scan.js';
import { CheckBuilder, type CheckOutcome } from './check-outcome.js';

export const LOG_SEGMENTS_CHECK = 'log_segments';

export interface LogReadFigures {
  mode: 'full' | 'incremental';
  durationMs: number;
  manifest: string;
}

/**
 * log_segments: every sealed segment the manifest lists exists and matches its SHA-256, the
 * manifest's lines are well formed, deletions leave from the old end, and sealing and retention
 * succeeded. Its details say what this run read (segments, bytes, MB/s), so that an incremental
 * night can be told from a full one.
 */
export function logSegmentsCheck(
  report: SegmentScanReport,
  upkeep: UpkeepResult,
  figures: LogReadFigures,
): CheckOutcome {
  const check = new CheckBuilder(LOG_SEGMENTS_CHECK);
  for (const failure of [...report.failures, ...upkeep.failures])
    check.fail(failure.error_code, failure.message);
  const seconds = figures.durationMs / 1000;
  return check.done({
    manifest: figures.manifest,
    mode: figures.mode,
    segments: report.manifest.live.length,
    deleted_segments: report.manifest.deleted.length,
    segments_read: report.read.length,
    segments_skipped_verified: report.skipped,
    segments_read_for_trace: report.traced,
    stored_bytes_hashed: report.storedBytesHashed,
    open_log_bytes_skipped_verified: report.openLogBytesSkipped,
    verification_record_problem: report.recordProblem,
    bytes_read: report.bytesRead,
    read_ms: Math.round(figures.durationMs),
    mb_per_s: seconds > 0 ? Math.round(report.bytesRead / 1e6 / seconds) : null,
    read_files: report.read.slice(0, REPORTED_LINES),
    sealed: upkeep.sealed
      ? {
          file: upkeep.sealed.file,
          first_sequence: upkeep.sealed.first_sequence,
          last_sequence: upkeep.sealed.last_sequence,
          source_bytes: upkeep.sealed.source_bytes,
          bytes: upkeep.sealed.bytes,
        }
      : null,
    deleted_now: upkeep.deleted.map((segment) => segment.file),
  });
}
