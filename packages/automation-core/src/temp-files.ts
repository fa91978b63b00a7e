import { randomBytes } from 'node:crypto';
import { lstat, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isProcessAlive, thisHost } from './process-identity.js';

/** A temporary file this old (by its last write) is abandoned, whichever host wrote it. */
export const ABANDONED_TEMP_AGE_MS = 60 * 60 * 1000;
const MAX_HOST_CHARS = 40;

/** The host as it appears in temporary file names: `[A-Za-z0-9.-]` only, at most 40 characters. */
export function hostTag(host: string = thisHost()): string {
  return host.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, MAX_HOST_CHARS) || 'unknown-host';
}

/** `.<name>.tmp-<host>-<pid>-<random>` beside the target, so a rename never crosses file systems. */
export function tempPathFor(target: string): string {
  const random = randomBytes(4).toString('hex');
  return join(dirname(target), `.${basename(target)}.tmp-${hostTag()}-${process.pid}-${random}`);
}

export interface TempFileName {
  /** the target's file name */
  target: string;
  /** null for names written before temporary files carried their host */
  host: string | null;
  pid: number;
}

const TEMP_FILE_NAME = /^\.(.+)\.tmp-(?:([A-Za-z0-9._-]+)-)?(\d+)-[0-9a-f]{8}$/;

export function parseTempFileName(name: string): TempFileName | null {
  const match = TEMP_FILE_NAME.exec(name);
  if (!match) return null;
  return { target: match[1] as string, host: match[2] ?? null, pid: Number(match[3]) };
}

export interface SweepOptions {
  /** only temporary files of this target file name */
  target?: string;
  /** the real clock in ms (file times are real times) */
  nowMs?: number;
  /** temporaries of the target files this answers true for are left alone */
  spare?: (target: string) => Promise<boolean>;
}

/**
 * Removes temporary files in `dir` left by writers killed between their write and their rename.
 * A file is abandoned when this host wrote it and its process is gone, or — whichever host
 * wrote it — when it has not been written to for an hour: on a shared volume (NFS, a Kubernetes
 * volume) another host's pid says nothing here, and its write may be in flight. Returns the
 * names removed.
 */
export async function sweepAbandonedTempFiles(dir: string, options: SweepOptions = {}): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const host = hostTag();
  const nowMs = options.nowMs ?? Date.now();
  const removed: string[] = [];
  for (const name of names) {
    const parsed = parseTempFileName(name);
    if (!parsed || (options.target !== undefined && parsed.target !== options.target)) continue;
    if (options.spare && (await options.spare(parsed.target))) continue;
    const stats = await lstat(join(dir, name)).catch(() => null);
    if (!stats?.isFile()) continue;
    const ownDeadWriter = parsed.host === host && parsed.pid !== process.pid && !isProcessAlive(parsed.pid);
    const old = nowMs - stats.mtimeMs > ABANDONED_TEMP_AGE_MS;
    if (ownDeadWriter || old) {
      await rm(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}
