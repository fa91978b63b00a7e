import { csvBytesField, csvField, csvLine } from '@obs-automation/latency-store';
import { appendBytes } from './append-bytes.js';

/**
 * Columns of the rejects file: the first three name the row (its line in `source_file`, why it
 * was rejected, its original bytes, unchanged — only the first kilobyte of a line longer than the
 * tokenizer's record limit); `rejected_at` tells runs apart.
 */
export const REJECTS_HEADER = 'line,reason,raw,source_file,rejected_at';

/** Buffer above which rejected rows are flushed during a pass, so memory stays flat. */
const FLUSH_BYTES = 1 << 20;

/**
 * Collects rows that could not be read and appends them to the rejects file: nothing a writer
 * produced is dropped silently. The caller holds the latency lock, which guards this file too.
 */
export class RejectsWriter {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  count = 0;
  /** rejects already on disk */
  flushed = 0;
  readonly firstReasons: { line: number; reason: string }[] = [];

  constructor(
    readonly path: string,
    private readonly sourceFile: string,
    private readonly rejectedAt: string,
  ) {}

  add(line: number, reason: string, raw: Uint8Array): void {
    const prefix = Buffer.from(`${line},${csvField(reason)},`, 'utf8');
    const suffix = Buffer.from(`,${csvLine([this.sourceFile, this.rejectedAt])}\n`, 'utf8');
    const record = Buffer.concat([prefix, csvBytesField(raw), suffix]);
    this.buffered.push(record);
    this.bufferedBytes += record.length;
    this.count += 1;
    if (this.firstReasons.length < 20) this.firstReasons.push({ line, reason });
  }

  get needsFlush(): boolean {
    return this.bufferedBytes >= FLUSH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.buffered.length === 0) return;
    const data = Buffer.concat(this.buffered);
    const pending = this.buffered.length;
    this.buffered = [];
    this.bufferedBytes = 0;
    await appendBytes(this.path, data, REJECTS_HEADER);
    this.flushed += pending;
  }
}
