import { stat } from 'node:fs/promises';
import { faultPoint, MS_PER_DAY, openInputStream, recordDeletions } from '@obs-automation/core';
import { TempFileWriter } from '@obs-automation/latency-store';

/** Rows removed from the rejects file by retention: how many, and the range of their rejection times. */
export interface RejectsPruning {
  event: 'rows_removed';
  job_id: string;
  path: string;
  reason: 'retention';
  rows: number;
  first_rejected_at: string;
  last_rejected_at: string;
  removed_at: string;
}

const LF = 0x0a;
/** The last field, `rejected_at`, is an ISO timestamp: its line's last bytes are enough to read it. */
const TAIL_BYTES = 64;

/** A byte range of the rejects file that stays. */
interface KeptRange {
  start: number;
  end: number;
}

interface RejectsScan {
  kept: KeptRange[];
  removed: number;
  firstRemovedMs: number;
  lastRemovedMs: number;
  bytes: number;
}

/** `rejected_at` of one line (the text after its last comma), or NaN when it is not a timestamp. */
function rejectedAtMs(tail: Buffer): number {
  const text = tail.toString('latin1').replace(/\r$/, '');
  const field = text.slice(text.lastIndexOf(',') + 1);
  return /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(field) ? Date.parse(field) : Number.NaN;
}

/**
 * One pass over the rejects file (each row is one line: the rejected bytes are quoted without
 * their line feed): which lines stay. The header stays, and so does every line whose
 * `rejected_at` is not older than the cutoff or cannot be read — a row is never dropped for
 * being unreadable. Memory holds one line's last bytes and the kept ranges.
 */
async function scanRejects(path: string, cutoffMs: number): Promise<RejectsScan | null> {
  const input = await openInputStream(path, { kind: 'raw_samples', shown: path });
  if (!input) return null;
  const scan: RejectsScan = {
    kept: [],
    removed: 0,
    firstRemovedMs: Infinity,
    lastRemovedMs: -Infinity,
    bytes: 0,
  };
  let offset = 0;
  let lineStart = 0;
  let tail = Buffer.alloc(0);
  let header = true;
  const keep = (start: number, end: number) => {
    const last = scan.kept[scan.kept.length - 1];
    if (last && last.end === start) last.end = end;
    else scan.kept.push({ start, end });
  };
  const endLine = (end: number) => {
    const at = rejectedAtMs(tail);
    if (header || Number.isNaN(at) || at >= cutoffMs) keep(lineStart, end);
    else {
      scan.removed += 1;
      scan.firstRemovedMs = Math.min(scan.firstRemovedMs, at);
      scan.lastRemovedMs = Math.max(scan.lastRemovedMs, at);
    }
    header = false;
    lineStart = end;
    tail = Buffer.alloc(0);
  };
  for await (const data of input) {
    const chunk = data as Buffer;
    let from = 0;
    for (let index = chunk.indexOf(LF); index >= 0; index = chunk.indexOf(LF, index + 1)) {
      tail = Buffer.concat([tail, chunk.subarray(from, index)]).subarray(-TAIL_BYTES);
      endLine(offset + index + 1);
      from = index + 1;
    }
    tail = Buffer.concat([tail, chunk.subarray(from)]).subarray(-TAIL_BYTES);
    offset += chunk.length;
  }
  if (lineStart < offset) keep(lineStart, offset);
  scan.bytes = offset;
  return scan;
}

export interface RejectsRetention {
  rejectsPath: string;
  days: number;
  now: Date;
  jobId: string;
  manifestPath: string;
  label: string;
}

/**
 * Removes from the rejects file the rows rejected more than `days` before the run's clock: the
 * rows that stay are copied, byte for byte, to a temporary file, the removal is recorded, and
 * the file is replaced atomically. Returns how many rows went. The caller holds the latency lock
 * (`record` appends to the file under it).
 */
export async function pruneRejects(retention: RejectsRetention): Promise<number> {
  const cutoffMs = retention.now.getTime() - retention.days * MS_PER_DAY;
  const scan = await scanRejects(retention.rejectsPath, cutoffMs);
  if (!scan || scan.removed === 0) return 0;
  const writer = TempFileWriter.open(retention.rejectsPath);
  try {
    for (const range of scan.kept) {
      const part = await openInputStream(retention.rejectsPath, {
        kind: 'raw_samples',
        shown: retention.label,
        start: range.start,
        end: range.end - 1,
      });
      for await (const chunk of part ?? []) {
        writer.write(chunk as Buffer);
        await writer.drain();
      }
    }
    await writer.close();
    if ((await stat(retention.rejectsPath)).size !== scan.bytes) {
      throw new Error(`${retention.label} changed while its old rows were being removed`);
    }
    const line: RejectsPruning = {
      event: 'rows_removed',
      job_id: retention.jobId,
      path: retention.label,
      reason: 'retention',
      rows: scan.removed,
      first_rejected_at: new Date(scan.firstRemovedMs).toISOString(),
      last_rejected_at: new Date(scan.lastRemovedMs).toISOString(),
      removed_at: retention.now.toISOString(),
    };
    await recordDeletions(retention.manifestPath, [line]);
    faultPoint('latency:after-rejects-record');
    await writer.commit(retention.rejectsPath);
    return scan.removed;
  } catch (error) {
    await writer.discard();
    throw error;
  }
}
