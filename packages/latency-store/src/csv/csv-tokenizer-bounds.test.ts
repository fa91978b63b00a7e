import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsvTokenizer, DEFAULT_MAX_RECORD_BYTES, OVERLONG_PREFIX_BYTES } from './csv-tokenizer.js';

// Retained memory is measured after a full collection, so garbage chunks do not blur it.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MB = 1 << 20;
const MAX_LINE_BYTES = 64 * MB;
/** What the tokenizer may hold for one line: the record limit and a read chunk, with room for noise. */
const RETAINED_BOUND_BYTES = 8 * MB;
/** Time may grow with the line's length, by no more than this factor over the per-MB rate of an 8 MB line. */
const TIME_FACTOR = 4;
const TIME_SLACK_MS = 25;

interface LineCase {
  length: number;
  chunkBytes: number;
  /** what the line is made of: plain bytes, commas, an opening quote, blanks */
  pattern: string;
}

interface Fed {
  ms: number;
  retainedPeak: number;
  rows: { line: number; problem: string | null; raw: number; fields: number }[];
}

function retainedBytes(): number {
  // Twice: buffers freed by the first collection may only be released by the next.
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * Feeds one line of `length` bytes, then a short one, in chunks. With `fresh`, every chunk is a
 * new buffer and retained memory is sampled after a collection every few chunks; otherwise one
 * buffer is reused so that only the tokenizer's own work is timed.
 */
function feed({ length, chunkBytes, pattern }: LineCase, fresh: boolean): Fed {
  const rows: Fed['rows'] = [];
  const tokenizer = new CsvTokenizer((row) =>
    rows.push({ line: row.line, problem: row.problem, raw: row.raw().length, fields: row.fieldCount }),
  );
  const reused = Buffer.alloc(chunkBytes, pattern);
  const baseline = fresh ? retainedBytes() : 0;
  let retainedPeak = 0;
  // at most about eight samples a line: each is two full collections, slow in a worker whose heap
  // holds other test files
  const sampleEvery = Math.max(8, Math.ceil(length / chunkBytes / 8));
  const started = performance.now();
  let chunks = 0;
  for (let remaining = length; remaining > 0; remaining -= chunkBytes) {
    const size = Math.min(chunkBytes, remaining);
    const chunk = fresh ? Buffer.alloc(size, pattern) : reused.subarray(0, size);
    tokenizer.push(chunk);
    chunks += 1;
    if (fresh && chunks % sampleEvery === 0)
      retainedPeak = Math.max(retainedPeak, retainedBytes() - baseline);
  }
  tokenizer.push(Buffer.from('\nnext,line\n'));
  tokenizer.end();
  const ms = performance.now() - started;
  if (fresh) retainedPeak = Math.max(retainedPeak, retainedBytes() - baseline);
  return { ms, retainedPeak, rows };
}

function fastest(lineCase: LineCase): number {
  return Math.min(feed(lineCase, false).ms, feed(lineCase, false).ms);
}

describe('CsvTokenizer on lines of any length', () => {
  let msPerMb = 0;
  beforeAll(() => {
    feed({ length: 8 * MB, chunkBytes: MB, pattern: 'x' }, false);
    msPerMb = fastest({ length: 8 * MB, chunkBytes: MB, pattern: 'x' }) / 8;
  });

  it('keeps memory bounded and time linear for lines up to 64 MB, rejecting an over-long line once', () => {
    const lineCase = fc.record({
      length: fc.oneof(
        fc.integer({ min: 1, max: 2 * DEFAULT_MAX_RECORD_BYTES }),
        fc.integer({ min: 1, max: MAX_LINE_BYTES }),
      ),
      chunkBytes: fc.constantFrom(64 * 1024, 256 * 1024, MB),
      pattern: fc.constantFrom('x', 'a,', '"x', ' '),
    });
    fc.assert(
      fc.property(lineCase, (tested) => {
        const { rows, retainedPeak } = feed(tested, true);
        expect(retainedPeak).toBeLessThan(RETAINED_BOUND_BYTES);
        expect(rows.at(-1)).toMatchObject({ problem: null, fields: 2 });
        if (tested.length > DEFAULT_MAX_RECORD_BYTES) {
          expect(rows).toHaveLength(2);
          expect(rows[0]).toEqual({
            line: 1,
            problem: `line of ${tested.length} bytes is longer than the limit of ${DEFAULT_MAX_RECORD_BYTES} bytes`,
            raw: OVERLONG_PREFIX_BYTES,
            fields: 0,
          });
        }
        const budget = TIME_FACTOR * msPerMb * (tested.length / MB) + TIME_SLACK_MS;
        expect(fastest(tested)).toBeLessThan(budget);
      }),
      { numRuns: 12, examples: [[{ length: MAX_LINE_BYTES, chunkBytes: MB, pattern: 'a,' }]] },
    );
    // About 2 s on a quiet machine; the collections it forces take far longer on a loaded one.
  }, 90_000);
});
