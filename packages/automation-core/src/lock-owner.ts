import * as fs from 'node:fs';
import { rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readBoundedFile } from './bounded-file-read.js';
import { parseJsonBounded } from './bounded-json.js';
import { DEFAULT_CLOCK_SKEW_SECONDS } from './freshness.js';
import { isProcessAlive, thisHost } from './process-identity.js';
import { writeFailure } from './write-failure.js';

/** The record inside every lock folder naming the process that holds it. */
export const LOCK_OWNER_FILE = 'owner.json';

export interface LockOwner {
  pid: number;
  host: string;
  /** the holder's clock when it took the lock */
  acquired_at: string;
  /** what holds it: a job's name, or a command's such as `latency-record` (absent in older records) */
  holder?: string;
}

type Callback = (error: NodeJS.ErrnoException | null) => void;

/** What each lock this process is taking is taken for, by lock path (see tryAcquireLock's `holder`). */
export const lockHolders = new Map<string, string>();

function ownerRecord(path: string): string {
  const holder = lockHolders.get(path);
  const owner: LockOwner = {
    pid: process.pid,
    host: thisHost(),
    acquired_at: new Date().toISOString(),
    ...(holder === undefined ? {} : { holder }),
  };
  return `${JSON.stringify(owner)}\n`;
}

/**
 * The file system proper-lockfile works through: a lock folder is created with its owner record
 * inside (before proper-lockfile stamps the folder's mtime, so writing the record never looks
 * like a takeover), and the record is removed before the folder whenever proper-lockfile removes
 * a lock (release, stale takeover, exit).
 */
export interface LockFileSystem {
  mkdir(path: string, callback: Callback): void;
  rmdir(path: string, callback: Callback): void;
  rmdirSync(path: string): void;
  stat: typeof fs.stat;
  utimes: typeof fs.utimes;
}

export const lockFileSystem: LockFileSystem = {
  stat: fs.stat,
  utimes: fs.utimes,
  mkdir(path: string, callback: Callback): void {
    fs.mkdir(path, (error) => {
      if (error) return callback(error);
      const ownerFile = join(path, LOCK_OWNER_FILE);
      fs.writeFile(ownerFile, ownerRecord(path), { flag: 'wx' }, (writeError) => {
        if (!writeError) return callback(null);
        // a write site like any other: a full disk is disk_full naming the record, not a bare errno
        const failure = writeFailure(writeError, ownerFile) as Error;
        fs.unlink(ownerFile, () => fs.rmdir(path, () => callback(failure)));
      });
    });
  },
  rmdir(path: string, callback: Callback): void {
    fs.unlink(join(path, LOCK_OWNER_FILE), () => fs.rmdir(path, callback));
  },
  rmdirSync(path: string): void {
    try {
      fs.unlinkSync(join(path, LOCK_OWNER_FILE));
    } catch {
      // no record (a lock of an earlier version): the folder alone goes
    }
    fs.rmdirSync(path);
  },
};

/** The owner record of a lock folder; null when it is missing or unreadable. */
export async function readLockOwner(lockPath: string): Promise<LockOwner | null> {
  const file = join(lockPath, LOCK_OWNER_FILE);
  try {
    const bytes = await readBoundedFile(file, { kind: 'lock_owner', shown: file });
    if (bytes === null) return null;
    const owner = parseJsonBounded(bytes, { what: 'lock owner', file }) as Partial<LockOwner> | null;
    if (!Number.isSafeInteger(owner?.pid) || typeof owner?.host !== 'string') return null;
    return owner as LockOwner;
  } catch {
    return null;
  }
}

/**
 * Whether a busy lock whose mtime lies in the future may be taken over. proper-lockfile judges
 * staleness by mtime alone, so such a lock (a holder's clock far ahead, or a folder touched by
 * hand) would never go stale. It is abandoned when its owner ran on this host and is gone, or —
 * any owner, or none recorded — when its change time, which the file system sets itself and no
 * `touch` can move, shows that nobody has refreshed it for `staleMs`.
 */
export async function isAbandonedFutureLock(
  lockPath: string,
  staleMs: number,
  nowMs: number = Date.now(),
): Promise<boolean> {
  const stats = await stat(lockPath).catch(() => null);
  if (!stats || stats.mtimeMs - nowMs <= DEFAULT_CLOCK_SKEW_SECONDS * 1000) return false;
  const owner = await readLockOwner(lockPath);
  if (owner && owner.host === thisHost() && !isProcessAlive(owner.pid)) return true;
  return nowMs - stats.ctimeMs > staleMs;
}

/** Removes an abandoned lock folder and its owner record; false when something else is inside. */
export async function removeLockFolder(lockPath: string): Promise<boolean> {
  await unlink(join(lockPath, LOCK_OWNER_FILE)).catch(() => undefined);
  try {
    await rmdir(lockPath);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}
