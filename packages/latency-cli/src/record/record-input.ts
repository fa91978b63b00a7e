import type { Readable } from 'node:stream';
import {
  type CommandContext,
  configKeyOf,
  errorMessageOf,
  flagOf,
  JobError,
  openInputStream,
  usageError,
} from '@obs-automation/core';
import type { LatencySample } from '@obs-automation/latency-store';
import { type RecordOptions, SAMPLE_DECLARATIONS } from '../record-options.js';
import { LongLineSpool } from './long-line-spool.js';
import { sampleFromInput } from './sample-input.js';
import { type RejectedLine, readSampleLines } from './sample-lines.js';

export interface RecordInput {
  samples: LatencySample[];
  rejected: RejectedLine[];
  /** where the samples came from, for the rejects file */
  sourceLabel: string;
  /** holds rejected lines too long to keep in memory until they reach the rejects file; discard it after */
  spool: LongLineSpool | null;
}

/** The --from-jsonl input: stdin, or a regular file opened without blocking (a FIFO or device is refused). */
async function openSampleInput(path: string | null, shown: string): Promise<Readable> {
  if (path === null) return process.stdin;
  const input = await openInputStream(path, { kind: 'jsonl_input', shown, what: '--from-jsonl file' });
  if (!input) {
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${shown}'`), { code: 'ENOENT' });
  }
  return input;
}

const SAMPLE_KEYS = Object.keys(SAMPLE_DECLARATIONS) as (keyof typeof SAMPLE_DECLARATIONS)[];

/**
 * The samples to record: from --from-jsonl (a file or `-` for stdin; bad lines are rejected with
 * their numbers), or one from the sample flags (a bad value is a usage error naming the flag).
 */
export async function collectRecordInput(
  options: RecordOptions,
  context: CommandContext,
): Promise<RecordInput> {
  const given = SAMPLE_KEYS.filter((key) => options[key] !== undefined);
  const now = context.common.now;
  if (options.fromJsonl !== undefined) {
    if (given.length > 0) {
      throw usageError(`--from-jsonl cannot be combined with ${given.map(flagOf).join(', ')}`, {
        flag: '--from-jsonl',
      });
    }
    const path = options.fromJsonl === '-' ? null : context.resolvePath(options.fromJsonl);
    const sourceLabel = path === null ? 'stdin' : context.relativePath(path);
    const spool = new LongLineSpool(context.resolvePath(options.rejectsFile));
    try {
      const lines = await readSampleLines(await openSampleInput(path, sourceLabel), now, spool);
      return { ...lines, sourceLabel, spool };
    } catch (error) {
      await spool.discard();
      if (error instanceof JobError) throw new JobError('input_unreadable', error.message, error.details);
      throw new JobError(
        'input_unreadable',
        `--from-jsonl ${sourceLabel}: cannot read: ${errorMessageOf(error)}`,
        { file: sourceLabel },
      );
    }
  }
  if (options.source === undefined || options.latencyMs === undefined) {
    throw usageError('give --source and --latency-ms for one sample, or --from-jsonl <file|-> for many', {
      flag: options.source === undefined ? '--source' : '--latency-ms',
    });
  }
  const parsed = sampleFromInput(
    Object.fromEntries(given.map((key) => [configKeyOf(key), options[key]])),
    now,
  );
  if (!('sample' in parsed)) {
    const flag = `--${parsed.field.replace(/_/g, '-')}`;
    throw usageError(`${flag}: ${parsed.error}`, { flag });
  }
  return { samples: [parsed.sample], rejected: [], sourceLabel: 'command line', spool: null };
}
