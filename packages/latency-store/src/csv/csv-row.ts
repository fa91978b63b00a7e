import { skipBlanks, trimBlanksEnd } from './ascii-bytes.js';
import { parseDecimal } from './ascii-decimal.js';
import { parseTimestampMs } from './ascii-timestamp.js';

const EMPTY = Buffer.alloc(0);
/** How much of a bad value a message quotes: enough to recognise it, never a whole line. */
const MAX_QUOTED_CHARACTERS = 60;

/**
 * One CSV record as the tokenizer sees it. Fields are byte spans: into the chunk the record was
 * read from when it has no quotes (no string is made unless a caller asks for one), or into a
 * buffer of the decoded fields when it has. The view is reused for every record, so it is only
 * valid inside the callback that receives it.
 */
export class CsvRow {
  /** the chunk holding the record */
  bytes: Buffer = EMPTY;
  /** first byte of the record */
  start = 0;
  /** end of the record's content, line terminator excluded */
  end = 0;
  /** first byte after the line terminator */
  next = 0;
  /** 1-based physical line number of the record's first line */
  line = 0;
  /** file offset of `start` */
  offset = 0;
  fieldCount = 0;
  /**
   * For a line longer than the tokenizer's record limit: its length in the file (terminator
   * excluded; `raw()` is then only its start, and `offset` where it begins). 0 for every other
   * record.
   */
  overLongBytes = 0;
  /** why the record could not be split into fields (it then has no fields) */
  problem: string | null = null;
  /** where the field spans point: `bytes`, or the decoded fields of a quoted record */
  private fields: Buffer = EMPTY;
  private starts = new Int32Array(16);
  private ends = new Int32Array(16);

  reset(bytes: Buffer): void {
    this.bytes = bytes;
    this.fields = bytes;
    this.fieldCount = 0;
    this.overLongBytes = 0;
    this.problem = null;
  }

  addSpan(start: number, end: number): void {
    if (this.fieldCount === this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      const ends = new Int32Array(this.ends.length * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.fieldCount] = start;
    this.ends[this.fieldCount] = end;
    this.fieldCount += 1;
  }

  /** Replaces the spans with the decoded fields of a quoted record. */
  setDecoded(fields: readonly string[]): void {
    const parts = fields.map((field) => Buffer.from(field, 'utf8'));
    this.fields = Buffer.concat(parts);
    this.fieldCount = 0;
    let position = 0;
    for (const part of parts) {
      this.addSpan(position, position + part.length);
      position += part.length;
    }
  }

  setProblem(problem: string): void {
    this.problem = problem;
    this.fieldCount = 0;
  }

  /** The record's original bytes, line terminator excluded. */
  raw(): Buffer {
    return this.bytes.subarray(this.start, this.end);
  }

  isBlankRecord(): boolean {
    return this.start === this.end;
  }

  text(index: number): string {
    return this.fields.toString('utf8', this.starts[index], this.ends[index]);
  }

  /** The field JSON-quoted for a message, cut short. */
  quoted(index: number): string {
    const text = this.text(index);
    return JSON.stringify(
      text.length > MAX_QUOTED_CHARACTERS ? `${text.slice(0, MAX_QUOTED_CHARACTERS)}…` : text,
    );
  }

  /** The field as a strict decimal number; NaN when it is not one. */
  decimal(index: number): number {
    return parseDecimal(this.fields, this.starts[index] as number, this.ends[index] as number);
  }

  /** The field as an ISO-8601 timestamp in epoch ms; NaN when it is not one. */
  timestampMs(index: number): number {
    return parseTimestampMs(this.fields, this.starts[index] as number, this.ends[index] as number);
  }

  /** True when the field is empty or only blanks. */
  isBlank(index: number): boolean {
    const end = this.ends[index] as number;
    return skipBlanks(this.fields, this.starts[index] as number, end) === end;
  }

  /** True when the trimmed field equals one of `words` (given in lower case), ignoring ASCII case. */
  equalsAnyIgnoringCase(index: number, words: readonly string[]): boolean {
    const bytes = this.fields;
    const start = skipBlanks(bytes, this.starts[index] as number, this.ends[index] as number);
    const length = trimBlanksEnd(bytes, start, this.ends[index] as number) - start;
    for (const word of words) {
      if (word.length !== length) continue;
      let same = true;
      for (let offset = 0; offset < length && same; offset += 1) {
        const byte = bytes[start + offset] as number;
        const lower = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
        same = lower === word.charCodeAt(offset);
      }
      if (same) return true;
    }
    return false;
  }
}
