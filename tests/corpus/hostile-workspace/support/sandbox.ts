import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * A workspace root with a folder beside it that the jobs must never touch: `outside/` holds
 * sentinel files carrying a unique marker, shaped like the inputs the jobs read (JSON, a latency
 * CSV, a gzip archive, a page), so that a job tricked into reading one would parse it and carry
 * its marker into some output. After a run, the sentinels must be unchanged — content, times —
 * and the marker must appear in no output.
 */
export interface Sandbox {
  root: string;
  /** the folder beside the root */
  outside: string;
  /** unique text inside every sentinel */
  marker: string;
  /** a path from `from` (root-relative) up and out to `outside/<name>` */
  escape(name: string, from?: string): string;
  cleanup(): Promise<void>;
}

const MINUTE_MS = 60_000;

/** The sentinel files, by name under `outside/`. */
export function sentinelFiles(marker: string): Record<string, Buffer> {
  const csv = [
    'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail',
    `2025-10-06T11:00:00Z,${marker},100,,success,${marker}`,
    `2026-11-24T11:00:00Z,${marker},100,,success,${marker}`,
    '',
  ].join('\n');
  const json = JSON.stringify({
    marker,
    rows: [{ marker }],
    ev_global: { alpha: 1, beta: 1 },
    datasets: [{ dataset: 'latency', path: marker, checksum_sha256: '0'.repeat(64), row_count: 1 }],
    job_id: '20251006T110000Z-latency',
    payload_checksum_sha256: marker,
  });
  return {
    'sentinel.txt': Buffer.from(`${marker}\n`.repeat(64)),
    'sentinel.json': Buffer.from(`${json}\n`),
    'sentinel.csv': Buffer.from(csv),
    'sentinel.html': Buffer.from(`<!doctype html><p>${marker}</p>\n`),
    '2025/10/sentinel.csv.gz': gzipSync(csv),
    'folder/2025/10/sentinel.csv.gz': gzipSync(csv),
    'folder/sentinel.json': Buffer.from(`${json}\n`),
  };
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export async function makeSandbox(): Promise<Sandbox> {
  const base = await mkdtemp(join(tmpdir(), 'obs-hostile-'));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  const marker = `SENTINEL-${randomBytes(8).toString('hex')}`;
  await mkdir(root);
  for (const [name, bytes] of Object.entries(sentinelFiles(marker))) {
    await mkdir(dirname(join(outside, name)), { recursive: true });
    await writeFile(join(outside, name), bytes);
  }
  return {
    root,
    outside,
    marker,
    escape: (name, from = '.') => relative(join(root, from), join(outside, name)),
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
}

export interface SentinelState {
  path: string;
  content: Buffer;
  atimeMs: number;
  mtimeMs: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * Dates every sentinel with its last access before its last change, then records it: under
 * `relatime` (Linux's default) and `strictatime` the next read of such a file moves its access
 * time, so a read is seen; under `noatime` nothing moves it (see atimeReadsAreVisible).
 */
export async function armSentinels(sandbox: Sandbox): Promise<SentinelState[]> {
  const now = Date.now();
  const states: SentinelState[] = [];
  for (const path of await filesUnder(sandbox.outside)) {
    // Read first: the dating must come after the last read.
    const content = await readFile(path);
    await utimes(path, new Date(now - 120 * MINUTE_MS), new Date(now - 60 * MINUTE_MS));
    const info = await stat(path);
    states.push({ path, content, atimeMs: info.atimeMs, mtimeMs: info.mtimeMs });
  }
  return states;
}

/** Sentinels whose content or times changed since they were armed (read back with stat only). */
export async function changedSentinels(
  states: readonly SentinelState[],
  checkAtime: boolean,
): Promise<string[]> {
  const changed: string[] = [];
  for (const state of states) {
    const info = await stat(state.path).catch(() => null);
    if (!info) {
      changed.push(`${state.path}: removed`);
      continue;
    }
    if (info.mtimeMs !== state.mtimeMs) changed.push(`${state.path}: modified`);
    else if (checkAtime && info.atimeMs !== state.atimeMs)
      changed.push(`${state.path}: read (its access time moved)`);
    else if (!(await readFile(state.path)).equals(state.content))
      changed.push(`${state.path}: content changed`);
  }
  return changed;
}

/** The mount options of the file system holding `path`, from /proc/self/mountinfo (null elsewhere). */
function mountOptionsOf(path: string): string | null {
  try {
    let best: { point: string; options: string } | null = null;
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const fields = line.split(' ');
      const point = fields[4];
      const options = fields[5];
      if (!point || !options) continue;
      const inside = path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`);
      if (inside && (!best || point.length > best.point.length)) best = { point, options };
    }
    return best ? `${best.point} (${best.options})` : null;
  } catch {
    return null;
  }
}

/**
 * Whether reading a file whose access time precedes its change time moves that access time here:
 * probed with a real read, since `noatime` (and some overlay and network file systems) never
 * move it. When they do not, the sentinels' contents and change times are still compared, and
 * the reason is given.
 */
export async function atimeReadsAreVisible(): Promise<{ visible: boolean; mount: string | null }> {
  const dir = await mkdtemp(join(tmpdir(), 'obs-atime-probe-'));
  try {
    const probe = join(dir, 'probe');
    await writeFile(probe, 'probe');
    const now = Date.now();
    await utimes(probe, new Date(now - 120 * MINUTE_MS), new Date(now - 60 * MINUTE_MS));
    const before = (await stat(probe)).atimeMs;
    await readFile(probe);
    return { visible: (await stat(probe)).atimeMs !== before, mount: mountOptionsOf(dir) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every file the run left under the root (gzip files also gunzipped), for the marker search. */
export async function rootContents(root: string): Promise<{ path: string; bytes: Buffer }[]> {
  const contents: { path: string; bytes: Buffer }[] = [];
  for (const path of await filesUnder(root)) {
    const bytes = await readFile(path).catch(() => Buffer.alloc(0));
    contents.push({ path, bytes });
    if (path.endsWith('.gz')) {
      try {
        contents.push({ path: `${path} (gunzipped)`, bytes: gunzipSync(bytes) });
      } catch {
        // not gzip after all
      }
    }
  }
  return contents;
}
