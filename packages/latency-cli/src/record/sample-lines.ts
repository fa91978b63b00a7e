import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { LatencySample } from '@obs-automation/latency-store';
import { sampleFromInput } from './sample-input.js';

export interface RejectedLine {
  line: number;
  reason: string;
  raw: Buffer;
}

export interface SampleLines {
  samples: LatencySample[];
  rejected: RejectedLine[];
}

/**
 * Reads JSON lines, one sample object per line (the fields of `record`'s flags). Blank lines are
 * skipped; every other line becomes a sample or a rejected line with its number and reason.
 */
export async function readSampleLines(input: Readable, now: Date): Promise<SampleLines> {
  const result: SampleLines = { samples: [], rejected: [] };
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const rawLine of lines) {
    line += 1;
    const text = line === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (text.trim() === '') continue;
    const reject = (reason: string) =>
      result.rejected.push({ line, reason, raw: Buffer.from(rawLine, 'utf8') });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      reject(`invalid JSON: ${(error as Error).message}`);
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      reject('not a JSON object');
      continue;
    }
    const parsed = sampleFromInput(value as Record<string, unknown>, now);
    if ('sample' in parsed) result.samples.push(parsed.sample);
    else reject(parsed.error);
  }
  return result;
}
