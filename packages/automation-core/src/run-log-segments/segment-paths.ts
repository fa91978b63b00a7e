import { basename, dirname, join } from 'node:path';

export interface RunLogSegmentPaths {
  /** the folder of sealed segments: the log's path without `.log` (`ops/automation_runs/`) */
  dir: string;
  /** one JSON line per sealed segment and per deleted one */
  manifest: string;
  /** which sealed segments obs-verify has read through, with their hashes */
  verificationRecord: string;
}

/** A segment's file name: its first and last sequence, zero-padded so names sort in sequence order. */
export const SEGMENT_FILE_PATTERN = /^(\d{12,16})_(\d{12,16})\.log\.gz$/;

export function segmentFileName(first: number, last: number): string {
  return `${String(first).padStart(12, '0')}_${String(last).padStart(12, '0')}.log.gz`;
}

/** A segment's KPI digest, beside it: `<first>_<last>.kpi.json`. */
export const SEGMENT_KPI_DIGEST_PATTERN = /^(\d{12,16})_(\d{12,16})\.kpi\.json$/;

/** The name of the KPI digest of the segment named `segmentFile`. */
export function segmentKpiDigestName(segmentFile: string): string {
  return segmentFile.replace(/\.log\.gz$/, '.kpi.json');
}

/**
 * Where a run log's sealed segments live, derived from the log's own path so that a log moved
 * with --log-file takes its segments along (`ops/automation_runs.log` → `ops/automation_runs/`).
 */
export function runLogSegmentPaths(logFile: string): RunLogSegmentPaths {
  const name = basename(logFile);
  const stem = name.endsWith('.log') ? name.slice(0, -'.log'.length) : `${name}.segments`;
  const dir = join(dirname(logFile), stem);
  return {
    dir,
    manifest: join(dir, 'manifest.jsonl'),
    verificationRecord: join(dir, 'verification.json'),
  };
}
