import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { invalidInput, shortened, unreadableInput } from '../input-errors.js';
import { JobError } from '../job-error.js';

/** One CSV record with the line it ends on (1-based, blank lines counted). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * What a plain split cannot read. A carriage return that does not end a line stays in its cell
 * (csv-parse would guess it to be a line end, and miscount the lines after it).
 */
const NEEDS_PARSER = /"/;

/**
 * Streams the records of a CSV file (BOM and CRLF tolerated, blank lines skipped), reading it
 * chunk by chunk so that memory stays flat whatever its size, in batches (one per chunk read:
 * an await per record would cost more than splitting it). Machine-written inputs (no
 * quotes) are split directly, several times faster than csv-parse (docs/decisions.md, "Tabular
 * inputs"); from the first line that needs it, csv-parse reads the rest (RFC 4180 quoting).
 * Malformed CSV and read failures are `invalid_input` naming `file` (and the line).
 */
export async function* csvRecords(
  source: Readable,
  file: string,
  onBytes?: (chunk: Buffer) => void,
): AsyncGenerator<CsvRecord[]> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = new StringDecoder('utf8');
  let carried = '';
  let linesRead = 0;
  let started = false;
  try {
    for (;;) {
      const next = await chunks.next();
      const decoded = next.done ? decoder.end() : decoder.write(next.value);
      if (!next.done) onBytes?.(next.value);
      const cut = next.done ? decoded.length : decoded.lastIndexOf('\n') + 1;
      if (cut === 0 && !next.done) {
        carried += decoded;
        continue;
      }
      let complete = carried + decoded.slice(0, cut);
      carried = decoded.slice(cut);
      if (!started && complete !== '') {
        started = true;
        if (complete.charCodeAt(0) === 0xfeff) complete = complete.slice(1);
      }
      const special = complete.search(NEEDS_PARSER);
      const plainEnd = special === -1 ? complete.length : complete.lastIndexOf('\n', special) + 1;
      const batch: CsvRecord[] = [];
      linesRead = splitPlainLines(complete, plainEnd, linesRead, batch);
      if (batch.length > 0) yield batch;
      if (special !== -1) {
        const rest = remainingText(complete.slice(plainEnd) + carried, next.done, chunks, decoder, onBytes);
        for await (const record of parsedRecords(rest, linesRead)) yield [record];
        return;
      }
      if (next.done) return;
    }
  } catch (error) {
    throw asInputError(error, file, linesRead);
  } finally {
    source.destroy();
  }
}

/**
 * Splits the lines of `text` up to `end` on commas into `records`, skipping blank lines;
 * returns the number of the last line read.
 */
function splitPlainLines(text: string, end: number, linesBefore: number, records: CsvRecord[]): number {
  let line = linesBefore;
  let start = 0;
  while (start < end) {
    const newline = text.indexOf('\n', start);
    const stop = newline === -1 || newline >= end ? end : newline;
    const contentEnd = text.charCodeAt(stop - 1) === 0x0d ? stop - 1 : stop;
    line += 1;
    if (contentEnd > start) records.push({ line, cells: text.slice(start, contentEnd).split(',') });
    start = stop + 1;
  }
  return line;
}

/** The text not yet read: what is in hand, then the rest of the stream. */
async function* remainingText(
  inHand: string,
  done: boolean | undefined,
  chunks: AsyncIterator<Buffer>,
  decoder: StringDecoder,
  onBytes: ((chunk: Buffer) => void) | undefined,
): AsyncGenerator<string> {
  if (inHand !== '') yield inHand;
  if (done) return;
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    onBytes?.(next.value);
    const text = decoder.write(next.value);
    if (text !== '') yield text;
  }
  const tail = decoder.end();
  if (tail !== '') yield tail;
}

/** csv-parse is loaded only when a file needs it: most inputs never do, and every job starts faster. */
async function* parsedRecords(text: AsyncGenerator<string>, linesBefore: number): AsyncGenerator<CsvRecord> {
  const { CsvError, parse } = await import('csv-parse');
  const parser = parse({ info: true, relax_column_count: true, skip_empty_lines: true });
  const input = Readable.from(text);
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      yield { line: linesBefore + info.lines, cells: record };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as { lines?: number }).lines;
      throw new ParserError(error.message, line === undefined ? undefined : linesBefore + line);
    }
    throw error;
  } finally {
    input.destroy();
  }
}

/** csv-parse's complaint, with its line already counted from the start of the file. */
class ParserError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

function asInputError(error: unknown, file: string, linesRead: number): unknown {
  if (error instanceof JobError) return error;
  if (error instanceof ParserError) {
    return invalidInput(
      { file, line: error.line ?? linesRead + 1 },
      `malformed CSV: ${shortened(error.message)}`,
    );
  }
  if ((error as NodeJS.ErrnoException).code !== undefined) return unreadableInput(file, error);
  return error;
}
