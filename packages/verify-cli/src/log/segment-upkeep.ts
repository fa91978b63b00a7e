import {
  applySegmentRetention,
  type DeletedSegment,
  errorMessageOf,
  type RunLogFiles,
  readSegmentManifest,
  type SealedSegment,
  sealRunLog,
} from '@obs-automation/core';
import { readSegmentKpiDigest, writeSegmentKpiDigest } from '../kpi/segment-kpi-digest-file.js';
import { withRunLogLock } from './run-log-snapshot.js';
import type { SegmentFailure } from './segmented-log-scan.js';
import {
  type VerifiedOpenLog,
  type VerifiedSegment,
  verifiedNow,
  writeVerificationRecord,
} from './verification-record.js';

export interface UpkeepOptions {
  files: RunLogFiles;
  root: string;
  now: Date;
  /** the open log's size at the snapshot, all of it verified by this run */
  verifiedBytes: number | null;
  /** seal once the open log reaches this size */
  segmentBytes: number;
  /** only a log whose every check passed is sealed */
  logHealthy: boolean;
  retentionDays: number;
  verified: readonly VerifiedSegment[];
  /** the open log as read through, recorded as verified when every check passed and it stays open */
  openLogRead: Omit<VerifiedOpenLog, 'verified_at'> | null;
}

export interface UpkeepResult {
  sealed: SealedSegment | null;
  deleted: DeletedSegment[];
  failures: SegmentFailure[];
  /** files this run wrote */
  written: string[];
}

/**
 * Writes the KPI digest of each live segment this run verified that has no usable one: the one
 * just sealed, one sealed before digests existed, one whose digest was damaged or removed.
 * Returns the digests written.
 */
async function keepKpiDigests(files: RunLogFiles, verified: readonly VerifiedSegment[]): Promise<string[]> {
  const vouched = new Set(verified.map((segment) => `${segment.file} ${segment.sha256}`));
  const { live } = await readSegmentManifest(files.manifest, files.shownManifest);
  const written: string[] = [];
  for (const segment of live) {
    if (!vouched.has(`${segment.file} ${segment.sha256}`)) continue;
    if ((await readSegmentKpiDigest(files, segment)).digest === null) {
      written.push(await writeSegmentKpiDigest(files, segment));
    }
  }
  return written;
}

/**
 * After the checks, under the run log's lock: seals the open log once it has reached the segment
 * size — only its verified part, and only when every log check passed, so a sealed segment never
 * holds a problem — applies segment retention, writes the KPI digests verified segments lack,
 * and records which segments and which start of the open log are verified.
 */
export async function keepSegments(options: UpkeepOptions): Promise<UpkeepResult> {
  const { files, now } = options;
  const result: UpkeepResult = { sealed: null, deleted: [], failures: [], written: [] };
  const sealDue =
    options.logHealthy && options.verifiedBytes !== null && options.verifiedBytes >= options.segmentBytes;
  let verified = [...options.verified];
  try {
    await withRunLogLock(files.logFile, async () => {
      if (sealDue) {
        const sealed = await sealRunLog(files.logFile, options.verifiedBytes as number, now);
        if (sealed) {
          result.sealed = sealed.segment;
          verified.push(verifiedNow(sealed.segment, now));
          result.written.push(`${files.shownSegmentDir}/${sealed.segment.file}`, files.shownManifest);
        }
      }
      result.deleted = await applySegmentRetention(files.logFile, options.root, options.retentionDays, now);
      if (result.deleted.length > 0) {
        const gone = new Set(result.deleted.map((segment) => segment.file));
        verified = verified.filter((segment) => !gone.has(segment.file));
        result.written.push(files.shownManifest);
      }
      result.written.push(...(await keepKpiDigests(files, verified)));
      const openLog =
        options.logHealthy && !result.sealed && options.openLogRead
          ? { ...options.openLogRead, verified_at: now.toISOString() }
          : null;
      if (verified.length > 0 || result.sealed || result.deleted.length > 0 || openLog) {
        await writeVerificationRecord(files.verificationRecord, { segments: verified, openLog }, now);
        result.written.push(files.shownVerificationRecord);
      }
    });
  } catch (error) {
    result.failures.push({
      error_code: 'segment_seal_failed',
      message: `sealing, pruning or digesting the run log's segments in ${files.shownSegmentDir} failed: ${errorMessageOf(error)}`,
    });
  }
  return result;
}
