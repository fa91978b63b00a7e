import { createReadStream } from 'node:fs';
import { errorMessageOf, JobError, resolveAgainstRoot, usageError } from '@obs-automation/core';
import type { LatencySample } from '@obs-automation/latency-store';
import { type RecordInvocation, SAMPLE_FLAGS } from '../record-invocation.js';
import { sampleFromInput } from './sample-input.js';
import { type RejectedLine, readSampleLines } from './sample-lines.js';

export interface RecordInput {
  samples: LatencySample[];
  rejected: RejectedLine[];
  /** where the samples came from, for the rejects file */
  sourceLabel: string;
}

/**
 * The samples to record: from --from-jsonl (a file or `-` for stdin; bad lines are rejected with
 * their numbers), or one from the sample flags (a bad value is a usage error naming the flag).
 */
export async function collectRecordInput(invocation: RecordInvocation): Promise<RecordInput> {
  const { flags, now, root } = invocation;
  const fromJsonl = flags.from_jsonl as string | undefined;
  const given = SAMPLE_FLAGS.filter((spec) => flags[spec.field] !== undefined);
  if (fromJsonl !== undefined) {
    if (given.length > 0) {
      throw usageError(`--from-jsonl cannot be combined with ${given.map((spec) => spec.flag).join(', ')}`, {
        flag: '--from-jsonl',
      });
    }
    const path = fromJsonl === '-' ? null : resolveAgainstRoot(root, fromJsonl);
    try {
      const lines = await readSampleLines(path === null ? process.stdin : createReadStream(path), now);
      return { ...lines, sourceLabel: path === null ? 'stdin' : invocation.relativePath(path) };
    } catch (error) {
      throw new JobError(
        'input_unreadable',
        `--from-jsonl ${fromJsonl}: cannot read: ${errorMessageOf(error)}`,
        {
          file: fromJsonl,
        },
      );
    }
  }
  if (flags.source === undefined || flags.latency_ms === undefined) {
    throw usageError('give --source and --latency-ms for one sample, or --from-jsonl <file|-> for many', {
      flag: flags.source === undefined ? '--source' : '--latency-ms',
    });
  }
  const parsed = sampleFromInput(
    Object.fromEntries(given.map((spec) => [spec.field, flags[spec.field]])),
    now,
  );
  if (!('sample' in parsed)) {
    const flag = SAMPLE_FLAGS.find((spec) => spec.field === parsed.field)?.flag ?? parsed.field;
    throw usageError(`${flag}: ${parsed.error}`, { flag });
  }
  return { samples: [parsed.sample], rejected: [], sourceLabel: 'command line' };
}
