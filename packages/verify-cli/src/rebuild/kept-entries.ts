import { open } from 'node:fs/promises';
import { lineBatches } from '../log/line-reader.js';
import { MAX_COPIED_LINE_BYTES } from './log-partition.js';

export type LogRecord = Record<string, unknown>;

export function loggedAtMs(entry: LogRecord): number {
  return Date.parse(String(entry.logged_at));
}

/** The kept file's entries in file order, streamed. */
async function* inFileOrder(path: string): AsyncGenerator<LogRecord> {
  for await (const batch of lineBatches(path, { maxKeptBytes: MAX_COPIED_LINE_BYTES })) {
    for (const line of batch) yield JSON.parse(line.text as string) as LogRecord;
  }
}

/**
 * The kept file's entries ordered by logged_at (file order among equal times). Only the index —
 * time, offset and length per line — is held in memory; each line is read back when its turn
 * comes.
 */
async function* inTimeOrder(path: string): AsyncGenerator<LogRecord> {
  const times: number[] = [];
  const offsets: number[] = [];
  const lengths: number[] = [];
  let offset = 0;
  for await (const batch of lineBatches(path, { maxKeptBytes: MAX_COPIED_LINE_BYTES })) {
    for (const line of batch) {
      times.push(loggedAtMs(JSON.parse(line.text as string) as LogRecord));
      offsets.push(offset);
      lengths.push(line.bytes);
      offset += line.bytes + 1;
    }
  }
  const order = Array.from(times.keys()).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  const handle = await open(path, 'r');
  try {
    for (const index of order) {
      const buffer = Buffer.alloc(lengths[index] as number);
      await handle.read(buffer, 0, buffer.length, offsets[index] as number);
      yield JSON.parse(buffer.toString('utf8')) as LogRecord;
    }
  } finally {
    await handle.close();
  }
}

/** The kept entries by time: streamed as they are when the log was already in time order. */
export function keptEntriesByTime(path: string, alreadyInOrder: boolean): AsyncGenerator<LogRecord> {
  return alreadyInOrder ? inFileOrder(path) : inTimeOrder(path);
}
