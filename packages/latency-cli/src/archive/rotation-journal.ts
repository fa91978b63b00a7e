import { readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorMessageOf, JobError, writeFileAtomic } from '@obs-automation/core';
import { readArchiveManifest } from '@obs-automation/latency-store';
import { replaceRawFile } from '../raw/raw-replace.js';

/**
 * Written before the archive is renamed into place; removed once the raw file is replaced. If a
 * run dies in between, the next run reads it and either finishes the rotation (the manifest lists
 * the archive: the raw file must lose the archived rows) or undoes it (the manifest does not: the
 * archive, if it got written, is an orphan whose rows are still in the raw file). Either way no
 * row is lost and none is left in both places.
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
  manifest_path: string;
  /** the archive as the manifest line names it (relative to the root) */
  manifest_entry_path: string;
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

export function journalPathFor(rawPath: string): string {
  return join(dirname(rawPath), `.${basename(rawPath)}.rotation.json`);
}

export async function writeRotationJournal(
  journal: Omit<RotationJournal, 'raw_temp_inode' | 'raw_temp_bytes'>,
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

/** Finishes or undoes a rotation a previous run left half done; null when there was none. */
export async function recoverRotation(rawPath: string): Promise<RotationRecovery | null> {
  const path = journalPathFor(rawPath);
  let journal: RotationJournal;
  try {
    journal = JSON.parse(await readFile(path, 'utf8')) as RotationJournal;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new JobError(
      'archive_failed',
      `rotation journal ${path} cannot be read (${errorMessageOf(error)}); inspect it and the archive it names before deleting it`,
      { file: path },
    );
  }
  const manifest = await readArchiveManifest({ path: journal.manifest_path, label: journal.manifest_path });
  const listed = manifest.entries.some((entry) => entry.path === journal.manifest_entry_path);
  let action: RotationRecovery['action'];
  if (!listed) {
    await rm(journal.raw_temp, { force: true });
    await rm(journal.archive_path, { force: true });
    action = 'rolled_back';
  } else if ((await identityOf(journal.raw_temp)) !== null) {
    // A run killed while copying appended rows left part of them on the temp file: drop that part.
    await truncate(journal.raw_temp, journal.raw_temp_bytes);
    action = await replaceRawFile(journal.raw_path, journal.raw_temp, journal.raw_bytes_consumed).then(
      () => 'rolled_forward' as const,
      async (error: unknown) => {
        if (!(error instanceof JobError)) throw error;
        await rm(journal.raw_temp, { force: true });
        return 'raw_changed' as const;
      },
    );
  } else {
    action =
      (await identityOf(journal.raw_path))?.inode === journal.raw_temp_inode
        ? 'completed'
        : 'raw_temp_missing';
  }
  await rm(path, { force: true });
  return { action, job_id: journal.job_id, archive: journal.manifest_entry_path };
}

/** Removes temporary files a killed run left beside `target` (the caller holds the lock). */
export async function removeStaleTemps(target: string): Promise<void> {
  const prefix = `.${basename(target)}.tmp-`;
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix))
      .map((name) => rm(join(dirname(target), name), { force: true })),
  );
}
