import {
  type HashedPrefix,
  hashedPrefixOf,
  isJsonObject,
  JobError,
  parseJsonBounded,
  readBoundedFile,
  type SealedSegment,
  writeFileAtomic,
} from '@obs-automation/core';

/** A sealed segment obs-verify has read through without a problem, and the hash it had then. */
export interface VerifiedSegment {
  file: string;
  sha256: string;
  first_sequence: number;
  last_sequence: number;
  verified_at: string;
}

/**
 * The open log's start as obs-verify last read it through without a problem: its first `bytes`
 * bytes (whole lines, their SHA-256) and the sequences they hold, `null` for none.
 */
export interface VerifiedOpenLog extends HashedPrefix {
  first_sequence: number | null;
  last_sequence: number | null;
  verified_at: string;
}

export interface VerificationRecord {
  segments: VerifiedSegment[];
  /** null when none is recorded or the one recorded is malformed (the open log is then read whole) */
  openLog: VerifiedOpenLog | null;
  /** why an existing record was not used (everything is then read again); null when it was */
  problem: string | null;
}

function verifiedSegment(value: unknown): VerifiedSegment | null {
  if (!isJsonObject(value)) return null;
  const { file, sha256, first_sequence: first, last_sequence: last, verified_at: at } = value;
  if (typeof file !== 'string' || typeof sha256 !== 'string' || typeof at !== 'string') return null;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) return null;
  return { file, sha256, first_sequence: first as number, last_sequence: last as number, verified_at: at };
}

const isSequence = (value: unknown) =>
  value === null || (Number.isSafeInteger(value) && (value as number) >= 1);

function verifiedOpenLog(value: unknown): VerifiedOpenLog | null {
  if (!isJsonObject(value)) return null;
  const prefix = hashedPrefixOf(value);
  const { first_sequence: first, last_sequence: last, verified_at: at } = value;
  if (prefix === null || typeof at !== 'string' || !isSequence(first) || !isSequence(last)) return null;
  if ((first === null) !== (last === null) || (first as number) > (last as number)) return null;
  return {
    ...prefix,
    first_sequence: first as number | null,
    last_sequence: last as number | null,
    verified_at: at,
  };
}

/**
 * Reads the verification record. It only saves work: a missing, refused or malformed record
 * means every segment is read again, with the reason reported, never a failure.
 */
export async function readVerificationRecord(path: string, shown: string): Promise<VerificationRecord> {
  try {
    const bytes = await readBoundedFile(path, { kind: 'verification_record', shown });
    if (bytes === null) return { segments: [], openLog: null, problem: null };
    const parsed = parseJsonBounded(bytes, { what: 'verification record', file: shown });
    const list = isJsonObject(parsed) && Array.isArray(parsed.segments) ? parsed.segments : null;
    if (list === null) return { segments: [], openLog: null, problem: `${shown} has no segments list` };
    const segments = list.map(verifiedSegment);
    if (segments.some((segment) => segment === null)) {
      return { segments: [], openLog: null, problem: `${shown} has a malformed segment entry` };
    }
    const recorded = (parsed as Record<string, unknown>).open_log;
    const openLog = recorded === undefined ? null : verifiedOpenLog(recorded);
    return {
      segments: segments as VerifiedSegment[],
      openLog,
      problem: recorded !== undefined && openLog === null ? `${shown} has a malformed open_log entry` : null,
    };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { segments: [], openLog: null, problem: error.message };
  }
}

/** Whether the record vouches for this manifest line: same file, same hash, same range. */
export function isRecorded(record: VerificationRecord, segment: SealedSegment): boolean {
  return record.segments.some(
    (verified) =>
      verified.file === segment.file &&
      verified.sha256 === segment.sha256 &&
      verified.first_sequence === segment.first_sequence &&
      verified.last_sequence === segment.last_sequence,
  );
}

export function verifiedNow(segment: SealedSegment, now: Date): VerifiedSegment {
  return {
    file: segment.file,
    sha256: segment.sha256,
    first_sequence: segment.first_sequence,
    last_sequence: segment.last_sequence,
    verified_at: now.toISOString(),
  };
}

/** Replaces the record atomically; without `openLog`, the open log is read whole next time. */
export function writeVerificationRecord(
  path: string,
  record: { segments: readonly VerifiedSegment[]; openLog: VerifiedOpenLog | null },
  now: Date,
): Promise<void> {
  const { segments, openLog } = record;
  const body = { updated_at: now.toISOString(), segments, ...(openLog ? { open_log: openLog } : {}) };
  return writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
}
