import { isMissingFile, JobError, sha256File } from '@obs-automation/core';
import { refusalCode } from '../checks/refusal-code.js';
import { type ChecksumKind, type ListedPath, sameChecksum, type TraceContext } from './trace-context.js';

/**
 * Re-hashes one file against the checksum on record in `recordedIn` (its first `firstBytes`
 * bytes when the record covers a file that has grown since, a day archive): a missing file is
 * artefact_missing (unless retention deleted it), a different hash checksum_mismatch, a file
 * that is not a regular file (a FIFO, a device, a link) invalid_input.
 */
export async function verifyFileChecksum(
  context: TraceContext,
  file: ListedPath,
  expected: string,
  kind: ChecksumKind,
  recordedIn: string,
  firstBytes?: number,
): Promise<void> {
  const path = context.display(file.lexical);
  if (!file.exists) {
    context.missing(file.lexical, kind, recordedIn);
    return;
  }
  let actual: string;
  try {
    actual = await sha256File(file.real, { shown: path, ...(firstBytes !== undefined && { firstBytes }) });
  } catch (error) {
    if (isMissingFile(error)) context.missing(file.lexical, kind, recordedIn);
    else if (error instanceof JobError) context.fail(refusalCode(error, 'artefact_missing'), error.message);
    else throw error;
    return;
  }
  if (sameChecksum(actual, expected)) {
    context.note({ path, kind, result: 'verified', note: `recorded in ${recordedIn}` });
    return;
  }
  context.fail(
    'checksum_mismatch',
    `${path}: SHA-256 ${actual} differs from ${expected} recorded in ${recordedIn}`,
  );
  context.note({ path, kind, result: 'mismatch', note: `recorded in ${recordedIn}` });
}
