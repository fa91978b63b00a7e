import { sha256File } from '@obs-automation/core';
import { type ChecksumKind, sameChecksum, type TraceContext } from './trace-context.js';

/**
 * Re-hashes one file against the checksum on record in `recordedIn`: a missing file is
 * artefact_missing (unless retention deleted it), a different hash checksum_mismatch.
 */
export async function verifyFileChecksum(
  context: TraceContext,
  absolutePath: string,
  expected: string,
  kind: ChecksumKind,
  recordedIn: string,
): Promise<void> {
  const path = context.display(absolutePath);
  let actual: string;
  try {
    actual = await sha256File(absolutePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    context.missing(absolutePath, kind, recordedIn);
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
