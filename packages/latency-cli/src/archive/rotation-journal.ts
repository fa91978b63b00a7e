import { rm, stat, truncate } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { JobError, quoteUntrusted, sweepAbandonedTempFiles, writeFileAtomic } from '@obs-automation/core';
import * as z from '@obs-automation/core/zod';
import { readArchiveManifest, undoArchiveAppend } from '@obs-automation/latency-store';
import { replaceRawFile } from '../raw/raw-replace.js';
import { ARCHIVE_IN_FOLDER, journaledPath, journalRefused, readJournalFile } from './journal-file.js';

/**
 * Written before the rows are appended to the archive; removed once the raw file is replaced. If
 * a run dies in between, the next run reads it and either finishes the rotation (the manifest
 * lists the archive at the SHA-256 the append gives it: the raw file must lose the archived rows)
 * or undoes it (the manifest does not: the archive goes back to its size before — a new one is
 * removed — while the rows are still in the raw file). Either way no row is lost and none is
 * left in both places.
 */
export interface RotationJournal {
  job_id: string;
  raw_path: string;
  raw_temp: string;
  /** identifies the replacement once it has been renamed over the raw file */
  raw_temp_inode: string;
  /** the replacement's size before rows appended meanwhile are copied onto it */
  raw_temp_bytes: number;
  raw_bytes_consumed: number;
  archive_path: string;
  /** the archive's size before the append (0: the append created it); absent in journals of per-run archives */
  archive_bytes_before?: number;
  /** the archive's SHA-256 once appended: the manifest line that lists this rotation */
  archive_sha256?: string;
  manifest_path: string;
  /** the archive as the manifest line names it (relative to the root) */
  manifest_entry_path: string;
}

const journalShape = z.strictObject({
  job_id: z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]{1,100}$/),
  raw_path: z.string(),
  raw_temp: z.string(),
  raw_temp_inode: z.string().regex(/^\d{1,40}$/),
  raw_temp_bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  raw_bytes_consumed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  archive_path: z.string(),
  archive_bytes_before: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  archive_sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/)
    .optional(),
  manifest_path: z.string(),
  manifest_entry_path: z.string(),
});

/** The files of one rotation: the run's own, from its options — never from the journal. */
export interface RotationFiles {
  root: string;
  rawPath: string;
  archiveDir: string;
  manifestPath: string;
}

export interface RotationRecovery {
  /**
   * rolled_forward: the raw file was replaced as the run intended; completed: it already had been;
   * rolled_back: the archive was not in the manifest and was removed; raw_temp_missing /
   * raw_changed: the replacement was lost or the raw file shrank meanwhile, so it was left as it
   * is and the archived rows may also still be in it.
   */
  action: 'rolled_forward' | 'completed' | 'rolled_back' | 'raw_temp_missing' | 'raw_changed';
  job_id: string;
  archive: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The raw file's temporary replacement, as tempPathFor names it beside the raw file. */
function rawTempRule(rawPath: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(basename(rawPath))}\\.tmp-[A-Za-z0-9._-]+$`);
}

export function journalPathFor(rawPath: string): string {
  return join(dirname(rawPath), `.${basename(rawPath)}.rotation.json`);
}

const toPosix = (path: string) => path.split(sep).join('/');

export async function writeRotationJournal(
  journal: Omit<RotationJournal, 'raw_temp_inode' | 'raw_temp_bytes'> &
    Required<Pick<RotationJournal, 'archive_bytes_before' | 'archive_sha256'>>,
): Promise<void> {
  const temp = await identityOf(journal.raw_temp);
  if (temp === null) throw new Error(`${journal.raw_temp} vanished before the rotation was recorded`);
  const recorded: RotationJournal = { ...journal, raw_temp_inode: temp.inode, raw_temp_bytes: temp.bytes };
  await writeFileAtomic(journalPathFor(journal.raw_path), `${JSON.stringify(recorded, null, 2)}\n`);
}

export async function clearRotationJournal(rawPath: string): Promise<void> {
  await rm(journalPathFor(rawPath), { force: true });
}

async function identityOf(path: string): Promise<{ inode: string; bytes: number } | null> {
  return stat(path, { bigint: true }).then(
    (info) => ({ inode: String(info.ino), bytes: Number(info.size) }),
    () => null,
  );
}

/**
 * Reads the journal a killed run left and checks everything it names against this run's own
 * files: the raw file and manifest must be this run's, the temporary file a temporary of the raw
 * file beside it, the archive an archive path inside the archive folder and the manifest entry
 * that archive. A journal that fails any of it is refused (`archive_failed`) and left in place.
 */
async function readJournal(
  files: RotationFiles,
  path: string,
  shown: string,
): Promise<RotationJournal | null> {
  const journal = await readJournalFile(path, shown, journalShape);
  if (journal === null) return null;
  const own = [
    ['raw file', journal.raw_path, files.rawPath],
    ['archive manifest', journal.manifest_path, files.manifestPath],
  ] as const;
  for (const [what, named, expected] of own) {
    if (resolve(files.root, named) !== resolve(files.root, expected)) {
      throw journalRefused(shown, `names ${what} ${quoteUntrusted(named)}, not this run's`);
    }
  }
  const rawFolder = dirname(files.rawPath);
  const rawTemp = await journaledPath(
    shown,
    journal.raw_temp,
    rawFolder,
    'temporary raw file',
    rawTempRule(files.rawPath),
  );
  const archive = await journaledPath(
    shown,
    journal.archive_path,
    files.archiveDir,
    'archive',
    ARCHIVE_IN_FOLDER,
  );
  const entryPath = toPosix(relative(files.root, resolve(files.archiveDir, journal.archive_path)));
  if (journal.manifest_entry_path !== entryPath) {
    throw journalRefused(
      shown,
      `names manifest entry ${quoteUntrusted(journal.manifest_entry_path)}, not its archive's`,
    );
  }
  return { ...journal, raw_temp: rawTemp, archive_path: archive };
}

/**
 * Finishes or undoes a rotation a previous run left half done; null when there was none. The
 * journal is a workspace file like any other: only the paths readJournal accepts are touched.
 */
export async function recoverRotation(
  files: RotationFiles,
  shown: (absolute: string) => string,
): Promise<RotationRecovery | null> {
  const path = journalPathFor(files.rawPath);
  const journal = await readJournal(files, path, shown(path));
  if (journal === null) return null;
  const manifest = await readArchiveManifest({ path: files.manifestPath, label: shown(files.manifestPath) });
  const listed = manifest.entries.some(
    (entry) =>
      entry.path === journal.manifest_entry_path &&
      (journal.archive_sha256 === undefined || entry.sha256 === journal.archive_sha256),
  );
  let action: RotationRecovery['action'];
  if (!listed) {
    await rm(journal.raw_temp, { force: true });
    await undoArchiveAppend(journal.archive_path, journal.archive_bytes_before ?? 0);
    action = 'rolled_back';
  } else if ((await identityOf(journal.raw_temp)) !== null) {
    // A run killed while copying appended rows left part of them on the temp file: drop that part.
    await truncate(journal.raw_temp, journal.raw_temp_bytes);
    action = await replaceRawFile(files.rawPath, journal.raw_temp, journal.raw_bytes_consumed).then(
      () => 'rolled_forward' as const,
      async (error: unknown) => {
        if (!(error instanceof JobError)) throw error;
        await rm(journal.raw_temp, { force: true });
        return 'raw_changed' as const;
      },
    );
  } else {
    action =
      (await identityOf(files.rawPath))?.inode === journal.raw_temp_inode ? 'completed' : 'raw_temp_missing';
  }
  await rm(path, { force: true });
  return { action, job_id: journal.job_id, archive: journal.manifest_entry_path };
}

/**
 * Removes temporary files a killed run left beside `target`: this host's whose writer is gone,
 * and any host's not written to for an hour (a run on another host sharing the volume may be
 * writing its own).
 */
export async function removeStaleTemps(target: string): Promise<void> {
  await sweepAbandonedTempFiles(dirname(target), { target: basename(target) });
}
