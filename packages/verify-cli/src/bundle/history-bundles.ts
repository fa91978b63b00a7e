import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import {
  fileIdentity,
  forEachFileChunk,
  formatSchemaIssues,
  type HistoryReference,
  type HistoryReferences,
  type HistoryRun,
  isNewerRun,
  JOB_ID_PATTERN,
  JobError,
  listHistoryBundleNames,
  listReferenceFiles,
  newestRun,
  readReferenceFile,
} from '@obs-automation/core';
import { type BundleManifest, readBundleManifest } from './bundle-manifest.js';
import {
  type HistoryRecord,
  type RecordedBundleDay,
  type RecordedReferenceFile,
  recordedRuns,
} from './history-record.js';

/** What the history checks use of a kept bundle's manifest. */
export type HistoryBundleRun = Pick<BundleManifest, 'sequence' | 'generated_at' | 'job_id'>;

/** One bundle under the history folder, `<history-dir>/<job_id>/`. */
export interface HistoryEntry {
  folder: string;
  manifest: HistoryBundleRun | null;
  /** why the bundle's manifest cannot be used */
  problem?: string;
  /** taken from the verification record rather than read */
  fromRecord: boolean;
}

/** Size and SHA-256 of a file's bytes as they were read, and the file's identity before (fileIdentity). */
export interface FileDigest {
  bytes: number;
  sha256: string;
  identity: string;
}

/** A dashboard history: its kept bundles and the runs recorded as references to them. */
export interface History {
  /** every kept bundle folder by name (a reference names its bundle so) */
  folders: Map<string, string>;
  /** the bundles known one by one: read, or taken from the record */
  bundles: HistoryEntry[];
  /** days of bundles taken from the verification record as a whole (none of them needed one by one) */
  bundleDays: RecordedBundleDay[];
  /** the references of the day files read line by line */
  references: HistoryReferences;
  /** day files taken from the verification record: their bytes are those a night read through */
  summarized: RecordedReferenceFile[];
  /** the digest of each day file read line by line, by path */
  digests: Map<string, FileDigest>;
}

/** Reading the history with the verification record: what it vouches for is not read again. */
export interface IncrementalRead {
  record: HistoryRecord;
  /** Whether a day of bundles whose folders are unchanged can be taken as a whole (its bundles pass every check). */
  usableDay: (day: RecordedBundleDay) => boolean;
  /**
   * Whether a day file whose bytes are unchanged can be taken from the record: only when the
   * checks would pass it, so that any failure is found, and reported, from its lines.
   */
  usableFile: (summary: RecordedReferenceFile, folders: ReadonlyMap<string, string>) => Promise<boolean>;
}

const READ_CONCURRENCY = 16;

async function readEntry(
  folder: string,
  manifestName: string,
  shown: (absolute: string) => string,
): Promise<HistoryEntry> {
  const manifest = join(folder, manifestName);
  const read = await readBundleManifest(manifest, shown(manifest));
  const unusable = { folder, manifest: null, fromRecord: false };
  switch (read.kind) {
    case 'ok': {
      const { sequence, generated_at, job_id } = read.manifest;
      return { folder, manifest: { sequence, generated_at, job_id }, fromRecord: false };
    }
    case 'missing':
      return { ...unusable, problem: `no ${manifestName}` };
    case 'unreadable':
      return { ...unusable, problem: `${manifestName}: ${read.reason}` };
    case 'schema_invalid':
      return { ...unusable, problem: `${manifestName}: ${formatSchemaIssues(read.issues)}` };
  }
}

/** What a recorded day's `names_sha256` is computed from: its folder names, in order. */
export const namesSha256 = (names: readonly string[]) =>
  createHash('sha256').update(names.join('\n')).digest('hex');

/** The UTC day (`YYYYMMDD`) a bundle folder's name begins with; null for a name that holds no time. */
export function bundleDayOf(name: string): string | null {
  return JOB_ID_PATTERN.test(name) ? name.slice(0, 8) : null;
}

/** How many kept bundles the days taken whole from the record hold. */
export function bundlesInWholeDays(history: Pick<History, 'bundleDays'>): number {
  return history.bundleDays.reduce((total, day) => total + day.folders, 0);
}

/** The folder names (sorted) by the UTC day they begin with; names that hold no time are apart. */
function foldersByDay(names: readonly string[]): { days: Map<string, string[]>; undated: string[] } {
  const days = new Map<string, string[]>();
  const undated: string[] = [];
  for (const name of names) {
    const day = bundleDayOf(name);
    if (day === null) {
      undated.push(name);
      continue;
    }
    const list = days.get(day);
    if (list) list.push(name);
    else days.set(day, [name]);
  }
  return { days, undated };
}

async function readBundles(
  folders: ReadonlyMap<string, string>,
  manifestName: string,
  shown: (absolute: string) => string,
  incremental: IncrementalRead | null,
): Promise<Pick<History, 'bundles' | 'bundleDays'>> {
  const { days, undated } = foldersByDay([...folders.keys()]);
  const bundles: HistoryEntry[] = [];
  const bundleDays: RecordedBundleDay[] = [];
  const unread = [...undated];
  for (const [day, names] of days) {
    const recorded = incremental?.record.bundleDays.get(day);
    if (
      recorded &&
      recorded.folders === names.length &&
      recorded.names_sha256 === namesSha256(names) &&
      incremental?.usableDay(recorded)
    ) {
      bundleDays.push(recorded);
      continue;
    }
    const known = recorded ? recordedRuns(recorded) : null;
    for (const name of names) {
      const run = known?.get(name);
      if (run) bundles.push({ folder: folders.get(name) as string, manifest: run, fromRecord: true });
      else unread.push(name);
    }
  }
  for (let start = 0; start < unread.length; start += READ_CONCURRENCY) {
    const batch = unread.slice(start, start + READ_CONCURRENCY);
    bundles.push(
      ...(await Promise.all(
        batch.map((name) => readEntry(folders.get(name) as string, manifestName, shown)),
      )),
    );
  }
  return { bundles: bundles.sort((left, right) => (left.folder < right.folder ? -1 : 1)), bundleDays };
}

function digester() {
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    onChunk: (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    },
    digest: (identity: string): FileDigest => ({ bytes, sha256: hash.digest('hex'), identity }),
  };
}

/** The file's identity (device, inode, size, change and modification times), null when it is not a regular file. */
async function identityOf(file: string): Promise<string | null> {
  const stats = await lstat(file, { bigint: true }).catch(() => null);
  return stats?.isFile() ? fileIdentity(stats) : null;
}

/**
 * The day file's bytes equal those the record lists: the same file, untouched since (its
 * identity: any write changes its size or change time), or else the same bytes (hashed). A file
 * that cannot be read now is read line by line, and reported.
 */
async function unchangedSince(
  file: string,
  shown: string,
  identity: string | null,
  recorded: RecordedReferenceFile,
): Promise<boolean> {
  if (identity !== null && identity === recorded.identity) return true;
  const { onChunk, digest } = digester();
  try {
    if (!(await forEachFileChunk(file, { kind: 'jsonl_manifest', shown, onChunk }))) return false;
  } catch (error) {
    if (error instanceof JobError) return false;
    throw error;
  }
  const now = digest('');
  return now.bytes === recorded.bytes && now.sha256 === recorded.sha256;
}

async function readReferences(
  historyDir: string,
  shown: (absolute: string) => string,
  folders: ReadonlyMap<string, string>,
  incremental: IncrementalRead | null,
): Promise<Pick<History, 'references' | 'summarized' | 'digests'>> {
  const { files, refused } = await listReferenceFiles(historyDir);
  const references: HistoryReference[] = [];
  const invalid: HistoryReferences['invalid'] = refused.map(({ path, reason }) => ({
    file: path,
    line: 0,
    reason,
  }));
  const summarized: RecordedReferenceFile[] = [];
  const digests = new Map<string, FileDigest>();
  const read: string[] = [];
  for (const file of files) {
    const recorded = incremental?.record.referenceFiles.get(basename(file));
    // Taken before the read: a file appended to while it is read no longer matches next time.
    const identity = await identityOf(file);
    if (
      recorded &&
      (await unchangedSince(file, shown(file), identity, recorded)) &&
      (await incremental?.usableFile(recorded, folders))
    ) {
      summarized.push(recorded);
      continue;
    }
    const { onChunk, digest } = digester();
    const lines = await readReferenceFile(file, shown(file), onChunk);
    references.push(...lines.references);
    invalid.push(...lines.invalid);
    digests.set(file, digest(identity ?? ''));
    read.push(file);
  }
  return { references: { references, invalid, files: read }, summarized, digests };
}

/**
 * The kept bundles of the history folder with their manifests (hidden partial copies and the
 * references folder are not bundles), and its references; null when the folder does not exist.
 * With `incremental`, bundles and unchanged day files the verification record vouches for are
 * taken from it instead of being read.
 */
export async function readHistory(
  historyDir: string,
  manifestName: string,
  shown: (absolute: string) => string,
  incremental: IncrementalRead | null = null,
): Promise<History | null> {
  const listing = await listHistoryBundleNames(historyDir);
  if (listing === null) return null;
  const base = resolve(historyDir);
  const folders = new Map(listing.names.map((name) => [name, `${base}${sep}${name}`]));
  const { bundles, bundleDays } = await readBundles(folders, manifestName, shown, incremental);
  const refused = listing.refused.map(
    ({ path, reason }): HistoryEntry => ({
      folder: path,
      manifest: null,
      problem: reason,
      fromRecord: false,
    }),
  );
  return {
    folders,
    bundles: [...bundles, ...refused],
    bundleDays,
    ...(await readReferences(historyDir, shown, folders, incremental)),
  };
}

/** The newest run of the history, a kept bundle's manifest or a reference: retention never deletes it. */
export function newestHistoryRun(history: History): HistoryRun | null {
  const newest = newestRun<HistoryRun>([
    ...history.bundles.flatMap((entry) => (entry.manifest ? [entry.manifest] : [])),
    ...history.references.references,
  ]);
  const recorded = newestRun([...history.summarized, ...history.bundleDays].map((entry) => entry.newest));
  return recorded && (newest === null || isNewerRun(recorded, newest)) ? recorded : newest;
}
