import { CsvTokenizer } from '../csv/csv-tokenizer.js';
import { cannotRead, openLatencyFile } from '../file-chunks.js';
import { type LatencyFile, LatencyFileError } from '../latency-file.js';
import { layoutFromHeader, type RawLayout } from './raw-layout.js';

/** A header longer than this is not a latency CSV header. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * `empty`: missing, or holding nothing but blanks and a byte order mark (`size` > 0 then, and the
 * file is replaced rather than appended to).
 */
export type RawHeader = { kind: 'empty'; size: number } | { kind: 'layout'; layout: RawLayout };

const BLANK = /^(\uFEFF)?[\s]*$/;

/**
 * Reads only the first line of a raw file. A first line that is not a latency header is a
 * LatencyFileError: appending to a file of unknown shape would corrupt it further.
 */
export async function readRawHeader(file: LatencyFile): Promise<RawHeader> {
  const opened = await openLatencyFile(file);
  if (!opened) return { kind: 'empty', size: 0 };
  const { handle, size } = opened;
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } catch (error) {
    throw cannotRead(file, error);
  } finally {
    await handle.close();
  }
  if (size === head.length && BLANK.test(head.toString('utf8'))) return { kind: 'empty', size };
  const lineFeed = head.indexOf(0x0a);
  let layout: RawLayout | null = null;
  const tokenizer = new CsvTokenizer((row) => {
    if (row.line === 1 && !row.problem) {
      layout = layoutFromHeader(Array.from({ length: row.fieldCount }, (_, index) => row.text(index)));
    }
  });
  tokenizer.push(lineFeed === -1 ? head : head.subarray(0, lineFeed + 1));
  tokenizer.end();
  if (layout) return { kind: 'layout', layout };
  throw new LatencyFileError(
    { file: file.label, line: 1 },
    'not a latency CSV header (it needs timestamp_utc and latency_ms columns, or ts_emit and ts_ack); refusing to append to it',
  );
}
