import { CsvRow } from './csv-row.js';

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;

/**
 * The longest record the tokenizer holds in memory. The longest row `obs-latency record` can
 * write is about 4.4 KB (a 200-character source, a 64-character status, a 4,096-character
 * detail, a timestamp and two numbers), and notifier logs and the earlier tooling write rows of
 * a few hundred bytes; 64 KiB leaves ample room for any honest writer, while a line of any
 * length costs at most this much plus one read chunk.
 */
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

/** Why a line past the record limit is rejected, in the words every reader of latency input uses. */
export function overLongReason(bytes: number, maxRecordBytes: number = DEFAULT_MAX_RECORD_BYTES): string {
  return `line of ${bytes} bytes is longer than the limit of ${maxRecordBytes} bytes`;
}

/**
 * How much of an over-long line the tokenizer hands out as its `raw()`: enough to recognise it.
 * The whole line stays in the file, at the row's `offset` and `overLongBytes` long, for a caller
 * that must copy it (the rejects file).
 */
export const OVERLONG_PREFIX_BYTES = 1024;

/**
 * A quoted field may span lines (RFC 4180), but an opening quote that is never closed must not
 * swallow the rest of the file: past this many lines, or past the record limit, the record's
 * first line is rejected on its own and reading resumes on the next line.
 */
export const MAX_QUOTED_RECORD_LINES = 100;

export interface CsvTokenizerOptions {
  /** records longer than this are rejected (default DEFAULT_MAX_RECORD_BYTES) */
  maxRecordBytes?: number;
}

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
function scanQuotedRecord(bytes: Buffer, from: number, fields: string[], maxBytes: number): QuotedScan {
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
          if (newlines >= MAX_QUOTED_RECORD_LINES || index - from >= maxBytes) {
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

/** A line past the record limit whose end has not been read yet: only its start is kept. */
interface OverLongLine {
  line: number;
  offset: number;
  prefix: Buffer;
  /** bytes of the line seen so far, its line feed excluded */
  bytes: number;
  /** the last of those bytes (a CR before the line feed is not part of the line) */
  lastByte: number;
}

/**
 * Splits a byte stream into CSV records without building strings for unquoted fields: feed
 * chunks with `push`, then call `end`. A UTF-8 byte order mark at the start is skipped, a CR
 * before the LF is not part of the record, and each record carries its physical line number and
 * file offset. Records are delivered synchronously to `onRow`.
 *
 * Memory and time stay linear and bounded for any input: an incomplete record is kept as a list
 * of chunks of at most `maxRecordBytes` in all (never joined again on every chunk), and a line
 * that grows past that limit is not buffered further. Its remaining bytes are read past and it
 * is delivered once, when it ends, as a rejected record (`problem` set) whose `raw()` is its
 * first OVERLONG_PREFIX_BYTES bytes and whose `offset` and `overLongBytes` locate all of it.
 */
export class CsvTokenizer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** file offset of the first pending byte */
  private pendingOffset = 0;
  /** bytes pushed so far */
  private received = 0;
  private nextLine = 1;
  private atFileStart = true;
  private overLong: OverLongLine | null = null;
  private readonly row = new CsvRow();
  readonly maxRecordBytes: number;

  constructor(
    private readonly onRow: (row: CsvRow) => void,
    options: CsvTokenizerOptions = {},
  ) {
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  push(chunk: Buffer): void {
    this.consume(chunk, false);
  }

  end(): void {
    this.consume(Buffer.alloc(0), true);
  }

  private consume(input: Buffer, final: boolean): void {
    let chunk = input;
    let chunkOffset = this.received;
    this.received += input.length;
    if (this.overLong) {
      const lineFeed = chunk.indexOf(LF);
      const seen = lineFeed === -1 ? chunk.length : lineFeed;
      this.overLong.bytes += seen;
      if (seen > 0) this.overLong.lastByte = chunk[seen - 1] as number;
      if (lineFeed === -1 && !final) return;
      this.finishOverLong();
      chunk = lineFeed === -1 ? chunk.subarray(chunk.length) : chunk.subarray(lineFeed + 1);
      chunkOffset += lineFeed + 1;
    }

    let bytes = chunk;
    let base = chunkOffset;
    if (this.pendingBytes > 0) {
      // A record can only end at a line feed (or at the end), so until one arrives the chunks are
      // only collected, up to the record limit.
      const fits = this.pendingBytes + chunk.length <= this.maxRecordBytes;
      if (!final && fits && chunk.indexOf(LF) === -1) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        return;
      }
      bytes = Buffer.concat([...this.pending, chunk]);
      base = this.pendingOffset;
      this.pending = [];
      this.pendingBytes = 0;
    }

    let position = 0;
    if (this.atFileStart) {
      if (bytes.length < 3 && !final) {
        this.keepPending(bytes, base);
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
    if (position < bytes.length) this.keepPending(Buffer.from(bytes.subarray(position)), base + position);
  }

  private keepPending(bytes: Buffer, offset: number): void {
    this.pending = [bytes];
    this.pendingBytes = bytes.length;
    this.pendingOffset = offset;
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
    if (lineFeed - from > this.maxRecordBytes) return this.startOverLong(bytes, from, lineFeed, base, final);
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
    const scan = scanQuotedRecord(bytes, from, fields, this.maxRecordBytes);
    const reachedEnd = scan.stop === bytes.length;
    const tooLong = scan.stop - from > this.maxRecordBytes;
    if (reachedEnd && !final && !tooLong) return -1;
    if (scan.open || tooLong) {
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

  /** A line longer than the limit: keep its start, and read past the rest until its end. */
  private startOverLong(bytes: Buffer, from: number, lineFeed: number, base: number, final: boolean): number {
    this.overLong = {
      line: this.nextLine,
      offset: base + from,
      prefix: Buffer.from(bytes.subarray(from, from + Math.min(OVERLONG_PREFIX_BYTES, this.maxRecordBytes))),
      bytes: lineFeed - from,
      lastByte: bytes[lineFeed - 1] as number,
    };
    if (lineFeed === bytes.length && !final) return bytes.length;
    this.finishOverLong();
    return Math.min(lineFeed + 1, bytes.length);
  }

  private finishOverLong(): void {
    const line = this.overLong as OverLongLine;
    this.overLong = null;
    const length = line.lastByte === CR ? line.bytes - 1 : line.bytes;
    const row = this.row;
    row.reset(line.prefix);
    row.setProblem(overLongReason(length, this.maxRecordBytes));
    row.overLongBytes = length;
    row.start = 0;
    row.end = line.prefix.length;
    row.next = line.prefix.length;
    row.line = line.line;
    row.offset = line.offset;
    this.nextLine += 1;
    this.onRow(row);
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
