import { writeFileAtomic } from './atomic-file.js';
import { readBoundedFile } from './bounded-file-read.js';
import { parseJsonBounded } from './bounded-json.js';
import { JobError } from './job-error.js';

export type SequenceFileState =
  | { kind: 'missing' }
  /** `outOfRange` holds a whole number past Number.MAX_SAFE_INTEGER: no number after it can be issued */
  | { kind: 'corrupt'; reason: string; outOfRange?: number }
  | { kind: 'ok'; value: number };

/**
 * Reads `{"value": N, "updated_at": "…"}`, the format the earlier tooling wrote too. A link, a
 * FIFO or device, an oversized or deeply nested file, or a value that is not a whole number in
 * 0..2^53−1 is `corrupt` (the reason never quotes the content); only a file that cannot be
 * opened for another reason (permissions) is thrown.
 */
export async function readSequenceFile(path: string): Promise<SequenceFileState> {
  let parsed: { value?: unknown } | null;
  try {
    const bytes = await readBoundedFile(path, {
      kind: 'sequence_file',
      shown: path,
      code: 'sequence_corrupt',
    });
    if (bytes === null) return { kind: 'missing' };
    parsed = parseJsonBounded(bytes, { what: 'sequence file', file: path, code: 'sequence_corrupt' }) as {
      value?: unknown;
    } | null;
  } catch (error) {
    if (!(error instanceof JobError) || error.details.reason === 'unreadable') throw error;
    return { kind: 'corrupt', reason: String(error.details.problem ?? error.message) };
  }
  const value = parsed?.value;
  if (Number.isSafeInteger(value) && (value as number) >= 0) return { kind: 'ok', value: value as number };
  if (Number.isInteger(value) && (value as number) > 0) {
    return {
      kind: 'corrupt',
      reason: `value is past the largest sequence number that can be issued (${Number.MAX_SAFE_INTEGER})`,
      outOfRange: value as number,
    };
  }
  return { kind: 'corrupt', reason: 'value is not a non-negative integer' };
}

export async function writeSequenceFile(path: string, value: number, updatedAt: Date): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ value, updated_at: updatedAt.toISOString() })}\n`);
}
