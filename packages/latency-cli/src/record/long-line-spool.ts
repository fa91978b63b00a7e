import { TempFileWriter } from '@obs-automation/latency-store';
import type { StoredBytes } from '../raw/rejects-file.js';

/**
 * Where `record` keeps input lines too long to hold in memory until they are copied into the
 * rejects file: a host-tagged temporary file beside the rejects file, written as the lines
 * stream in and removed once they are copied (or by the next latency run's sweep, if this
 * process is killed).
 */
export class LongLineSpool {
  private writer: TempFileWriter | null = null;
  private written = 0;
  private current: { line: number; start: number } | null = null;

  constructor(private readonly besideFile: string) {}

  /** Bytes of line `line`, in order; a new line number starts a new stored line. */
  write(bytes: Buffer, line: number): void {
    this.writer ??= TempFileWriter.open(this.besideFile);
    if (this.current?.line !== line) this.current = { line, start: this.written };
    this.writer.write(bytes);
    this.written += bytes.length;
  }

  /** Waits until buffered bytes are on their way to the disk, so memory stays flat. */
  async drain(): Promise<void> {
    await this.writer?.drain();
  }

  /** Where line `line` (its whole length) is stored. */
  stored(line: number, length: number): StoredBytes {
    if (!this.writer || this.current?.line !== line) throw new Error(`line ${line} was not spooled`);
    return { path: this.writer.tempPath, kind: 'artefact', start: this.current.start, length };
  }

  /** Flushes the spooled bytes to the file, before they are read back. */
  async close(): Promise<void> {
    await this.writer?.close();
  }

  async discard(): Promise<void> {
    await this.writer?.discard();
  }
}
