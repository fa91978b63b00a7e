import type { Readable } from 'node:stream';
import { type FileLine, JobError, LineSplitter, parseJsonBounded } from '@obs-automation/core';
import { DEFAULT_MAX_RECORD_BYTES, type LatencySample, overLongReason } from '@obs-automation/latency-store';
import type { StoredBytes } from '../raw/rejects-file.js';
import type { LongLineSpool } from './long-line-spool.js';
import { sampleFromInput } from './sample-input.js';

export interface RejectedLine {
  line: number;
  reason: string;
  /** the line's bytes, or where a line over the record limit is spooled */
  raw: Buffer | StoredBytes;
}

export interface SampleLines {
  samples: LatencySample[];
  rejected: RejectedLine[];
}

const CR = 0x0d;

/**
 * Reads JSON lines, one sample object per line (the fields of `record`'s flags). Blank lines are
 * skipped; every other line becomes a sample or a rejected line with its number and reason. A
 * line longer than the record limit (64 KiB, as in the raw CSV) is rejected without being held:
 * its bytes go to `spool` as they arrive, so memory stays bounded whatever the input.
 */
export async function readSampleLines(
  input: Readable,
  now: Date,
  spool: LongLineSpool,
): Promise<SampleLines> {
  const result: SampleLines = { samples: [], rejected: [] };
  const onLine = (line: FileLine) => {
    if (line.text === null) {
      result.rejected.push({
        line: line.number,
        reason: overLongReason(line.bytes),
        raw: spool.stored(line.number, line.bytes),
      });
      return;
    }
    const raw = line.raw as Buffer;
    const bytes = raw.at(-1) === CR ? raw.subarray(0, -1) : raw;
    const decoded = bytes.toString('utf8');
    const text = line.number === 1 ? decoded.replace(/^\uFEFF/, '') : decoded;
    if (text.trim() === '') return;
    const reject = (reason: string) =>
      result.rejected.push({ line: line.number, reason, raw: Buffer.from(bytes) });
    let value: unknown;
    try {
      value = parseJsonBounded(text, { what: 'line', file: 'input', line: line.number });
    } catch (error) {
      if (!(error instanceof JobError)) throw error;
      reject(String(error.details.problem));
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      reject('not a JSON object');
      return;
    }
    const parsed = sampleFromInput(value as Record<string, unknown>, now);
    if ('sample' in parsed) result.samples.push(parsed.sample);
    else reject(parsed.error);
  };
  const splitter = new LineSplitter({
    maxKeptBytes: DEFAULT_MAX_RECORD_BYTES,
    keepRaw: true,
    onLongLineBytes: (bytes, line) => spool.write(bytes, line),
  });
  for await (const chunk of input) {
    splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string), onLine);
    await spool.drain();
  }
  splitter.end(onLine);
  await spool.close();
  return result;
}
