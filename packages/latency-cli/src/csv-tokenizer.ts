import { CsvRow } from './csv-row.js';

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;

/**
 * A quoted field may span lines (RFC 4180), but an opening quote that is never closed must not
 * swallow the rest of the file: past these limits the record's first line is rejected on its
 * own and reading resumes on the next line.
 */
export const MAX_QUOTED_RECORD_LINES = 100;
const MAX_QUOTED_RECORD_BYTES = 1 << 20;

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

interface QuotedScan {
  /** index of the terminating LF, or the end of the buffer */
  stop: number;
  /** the record ended inside a quoted field (end of data or a limit reached) */
  open: boolean;
  newlines: number;
  malformed: boolean;
}

/**
 * Runs the RFC 4180 state machine over one record starting at `from`: a quote opens a quoted
 * field only at the start of a field, `""` inside it is a literal quote, and a line feed inside
 * it belongs to the field. Collects the decoded fields into `fields`.
 */
function scanQuotedRecord(bytes: Buffer, from: number, fields: string[]): QuotedScan {
  const length = bytes.length;
  let state = State.FieldStart;
  let segmentStart = from;
  let parts: Buffer[] = [];
  let newlines = 0;
  let malformed = false;
  const finishField = (trimCr: boolean) => {
    let text = Buffer.concat(parts).toString('utf8');
    if (trimCr && text.endsWith('\r')) text = text.slice(0, -1);
    fields.push(text);
    parts = [];
  };
  for (let index = from; index < length; index += 1) {
    const byte = bytes[index] as number;
    switch (state) {
      case State.FieldStart:
        if (byte === QUOTE) {
          state = State.Quoted;
          segmentStart = index + 1;
        } else if (byte === COMMA) {
          finishField(false);
        } else if (byte === LF) {
          finishField(false);
          return { stop: index, open: false, newlines, malformed };
        } else {
          state = State.Unquoted;
          segmentStart = index;
        }
        break;
      case State.Unquoted:
        if (byte === COMMA || byte === LF) {
          parts.push(bytes.subarray(segmentStart, index));
          finishField(byte === LF);
          if (byte === LF) return { stop: index, open: false, newlines, malformed };
          state = State.FieldStart;
        } else if (byte === QUOTE) {
          malformed = true;
        }
        break;
      case State.Quoted:
        if (byte === QUOTE) {
          parts.push(bytes.subarray(segmentStart, index));
          state = State.QuoteInQuoted;
        } else if (byte === LF) {
          newlines += 1;
          if (newlines >= MAX_QUOTED_RECORD_LINES || index - from >= MAX_QUOTED_RECORD_BYTES) {
            return { stop: index, open: true, newlines, malformed };
          }
        }
        break;
      case State.QuoteInQuoted:
        if (byte === QUOTE) {
          segmentStart = index;
          state = State.Quoted;
        } else if (byte === COMMA) {
          finishField(false);
          state = State.FieldStart;
        } else if (byte === LF) {
          finishField(false);
          return { stop: index, open: false, newlines, malformed };
        } else if (!(byte === CR && bytes[index + 1] === LF)) {
          malformed = true;
          state = State.Unquoted;
          segmentStart = index;
        }
        break;
    }
  }
  if (state === State.Quoted) return { stop: length, open: true, newlines, malformed };
  if (state === State.Unquoted) parts.push(bytes.subarray(segmentStart, length));
  finishField(state === State.Unquoted);
  return { stop: length, open: false, newlines, malformed };
}

/**
 * Finds the next comma, quote or line feed with native searches, remembering each result: every
 * byte is searched at most once per delimiter, so even a chunk without any commas costs linear
 * time.
 */
class DelimiterCursor {
  private lineFeed = -1;
  private comma = -1;
  private quote = -1;

  constructor(private readonly bytes: Buffer) {}

  /** Index of the first line feed at or after `from`, or the buffer's length when there is none. */
  nextLineFeed(from: number): number {
    if (this.lineFeed < from) this.lineFeed = this.search(LF, from);
    return this.lineFeed;
  }

  nextComma(from: number): number {
    if (this.comma < from) this.comma = this.search(COMMA, from);
    return this.comma;
  }

  nextQuote(from: number): number {
    if (this.quote < from) this.quote = this.search(QUOTE, from);
    return this.quote;
  }

  private search(byte: number, from: number): number {
    const index = this.bytes.indexOf(byte, from);
    return index === -1 ? this.bytes.length : index;
  }
}

/**
 * Splits a byte stream into CSV records without building strings for unquoted fields: feed
 * chunks with `push`, then call `end`. A UTF-8 byte order mark at the start is skipped, a CR
 * before the LF is not part of the record, and each record carries its physical line number and
 * file offset. Records are delivered synchronously to `onRow`.
 */
export class CsvTokenizer {
  private pending: Buffer | null = null;
  private pendingOffset = 0;
  private nextLine = 1;
  private atFileStart = true;
  private readonly row = new CsvRow();

  constructor(private readonly onRow: (row: CsvRow) => void) {}

  push(chunk: Buffer): void {
    this.consume(chunk, false);
  }

  end(): void {
    this.consume(Buffer.alloc(0), true);
  }

  private consume(chunk: Buffer, final: boolean): void {
    const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const base = this.pendingOffset;
    let position = 0;
    if (this.atFileStart) {
      if (bytes.length < 3 && !final) {
        this.pending = bytes;
        return;
      }
      this.atFileStart = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) position = 3;
    }
    const delimiters = new DelimiterCursor(bytes);
    while (position < bytes.length) {
      const next = this.scanRecord(bytes, position, base, final, delimiters);
      if (next < 0) break;
      position = next;
    }
    this.pending = position < bytes.length ? Buffer.from(bytes.subarray(position)) : null;
    this.pendingOffset = base + position;
  }

  /** Emits the record at `from` and returns where the next one starts; -1 when it is incomplete. */
  private scanRecord(
    bytes: Buffer,
    from: number,
    base: number,
    final: boolean,
    delimiters: DelimiterCursor,
  ): number {
    const length = bytes.length;
    const lineFeed = delimiters.nextLineFeed(from);
    if (delimiters.nextQuote(from) < lineFeed) return this.scanQuoted(bytes, from, base, final);
    if (lineFeed === length && !final) return -1;
    const end = lineFeed > from && bytes[lineFeed - 1] === CR ? lineFeed - 1 : lineFeed;
    const row = this.row;
    row.reset(bytes);
    let fieldStart = from;
    for (let comma = delimiters.nextComma(from); comma < end; comma = delimiters.nextComma(fieldStart)) {
      row.addSpan(fieldStart, comma);
      fieldStart = comma + 1;
    }
    row.addSpan(fieldStart, Math.max(fieldStart, end));
    const next = lineFeed < length ? lineFeed + 1 : length;
    this.emit(from, end, next, base, 0);
    return next;
  }

  private scanQuoted(bytes: Buffer, from: number, base: number, final: boolean): number {
    this.row.reset(bytes);
    const fields: string[] = [];
    const scan = scanQuotedRecord(bytes, from, fields);
    const reachedEnd = scan.stop === bytes.length;
    if (reachedEnd && !final) return -1;
    if (scan.open) {
      // Only the first physical line is rejected; the lines after it are read again.
      const lineFeed = bytes.indexOf(LF, from);
      const stop = lineFeed === -1 ? bytes.length : lineFeed;
      const end = stop > from && bytes[stop - 1] === CR ? stop - 1 : stop;
      this.row.setProblem('unterminated quoted field');
      const next = lineFeed === -1 ? bytes.length : lineFeed + 1;
      this.emit(from, end, next, base, 0);
      return next;
    }
    const end = scan.stop > from && bytes[scan.stop - 1] === CR ? scan.stop - 1 : scan.stop;
    if (scan.malformed) this.row.setProblem('malformed quoted field');
    else this.row.setDecoded(fields);
    const next = reachedEnd ? bytes.length : scan.stop + 1;
    this.emit(from, end, next, base, scan.newlines);
    return next;
  }

  private emit(start: number, end: number, next: number, base: number, innerNewlines: number): void {
    const row = this.row;
    row.start = start;
    row.end = end;
    row.next = next;
    row.line = this.nextLine;
    row.offset = base + start;
    this.nextLine += 1 + innerNewlines;
    this.onRow(row);
  }
}
