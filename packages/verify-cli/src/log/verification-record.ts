import {
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

export interface VerificationRecord {
  segments: VerifiedSegment[];
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

/**
 * Reads the verification record. It only saves work: a missing, refused or malformed record
 * means every segment is read again, with the reason reported, never a failure.
 */
export async function readVerificationRecord(path: string, shown: string): Promise<VerificationRecord> {
  try {
    const bytes = await readBoundedFile(path, { kind: 'verification_record', shown });
    if (bytes === null) return { segments: [], problem: null };
    const parsed = parseJsonBounded(bytes, { what: 'verification record', file: shown });
    const list = isJsonObject(parsed) && Array.isArray(parsed.segments) ? parsed.segments : null;
    if (list === null) return { segments: [], problem: `${shown} has no segments list` };
    const segments = list.map(verifiedSegment);
    if (segments.some((segment) => segment === null)) {
      return { segments: [], problem: `${shown} has a malformed segment entry` };
    }
    return { segments: segments as VerifiedSegment[], problem: null };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { segments: [], problem: error.message };
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

/** Replaces the record atomically. */
export function writeVerificationRecord(
  path: string,
  segments: readonly VerifiedSegment[],
  now: Date,
): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify({ updated_at: now.toISOString(), segments }, null, 2)}\n`);
}
