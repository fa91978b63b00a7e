import { rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { faultPoint, quoteUntrusted, writeFileAtomic } from '@obs-automation/core';
import * as z from '@obs-automation/core/zod';
import {
  type ArchiveDeletionEntry,
  type ArchiveManifest,
  appendArchiveManifestLines,
  readArchiveManifest,
  undoArchiveAppend,
} from '@obs-automation/latency-store';
import {
  ARCHIVE_IN_FOLDER,
  journaledPath,
  journalRefused,
  readJournalFile,
} from '../archive/journal-file.js';

/** One archive folded into a day archive: removed once the day archive's line lists its rows. */
export interface FoldedArchive {
  /** as the manifest names it (root-relative) */
  path: string;
  sha256: string;
  row_count: number;
}

/**
 * Written before a day archive is appended to; removed once the folded archives are deleted. The
 * next compaction or latency run reads it and finishes the step (the manifest lists the day
 * archive at `day_sha256`: record and delete the folded archives) or undoes it (it does not: the
 * day archive goes back to `day_bytes_before`, the folded archives stay as they are).
 */
export interface CompactionJournal {
  job_id: string;
  /** the day archive as the manifest names it */
  day_path: string;
  day_bytes_before: number;
  day_sha256: string;
  folded: FoldedArchive[];
  compacted_at: string;
}

const archivePath = z.string().min(1).max(4096);
const journalShape = z.strictObject({
  job_id: z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]*latency$/),
  day_path: archivePath,
  day_bytes_before: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  day_sha256: z.string().regex(/^[a-f0-9]{64}$/),
  folded: z
    .array(
      z.strictObject({
        path: archivePath,
        sha256: z.string().regex(/^[a-f0-9]{64}$/),
        row_count: z.number().int().min(1),
      }),
    )
    .min(1)
    .max(100_000),
  compacted_at: z.string().datetime(),
});

/** The files compaction works on: the archive folder and its manifest, from the options. */
export interface CompactionFiles {
  root: string;
  archiveDir: string;
  manifestPath: string;
}

export interface CompactionRecovery {
  /** rolled_forward: the folded archives were recorded and deleted; rolled_back: the day archive was taken back */
  action: 'rolled_forward' | 'rolled_back';
  job_id: string;
  archive: string;
}

export function compactionJournalPath(archiveDir: string): string {
  return join(archiveDir, '.compaction.json');
}

export async function writeCompactionJournal(archiveDir: string, journal: CompactionJournal): Promise<void> {
  await writeFileAtomic(compactionJournalPath(archiveDir), `${JSON.stringify(journal, null, 2)}\n`);
}

export async function clearCompactionJournal(archiveDir: string): Promise<void> {
  await rm(compactionJournalPath(archiveDir), { force: true });
}

const toPosix = (path: string) => path.split(sep).join('/');

/** A root-relative archive path of the journal, accepted only as an archive inside the archive folder. */
async function archiveInFolder(files: CompactionFiles, shown: string, entryPath: string, what: string) {
  const inFolder = toPosix(relative(files.archiveDir, resolve(files.root, entryPath)));
  return journaledPath(shown, inFolder, files.archiveDir, what, ARCHIVE_IN_FOLDER);
}

/**
 * The manifest lines that record the folded archives' deletion, and then their deletion; lines
 * already written by an interrupted run are not written twice. Each deletion is on record before
 * the file goes.
 */
export async function deleteFoldedArchives(
  files: CompactionFiles,
  journal: CompactionJournal,
  manifest: ArchiveManifest,
  shown: string,
): Promise<void> {
  const recorded = (folded: FoldedArchive) =>
    manifest.deletions.some((line) => line.path === folded.path && line.sha256 === folded.sha256);
  const lines: ArchiveDeletionEntry[] = journal.folded
    .filter((folded) => !recorded(folded))
    .map((folded) => ({
      event: 'deleted',
      job_id: journal.job_id,
      path: folded.path,
      sha256: folded.sha256,
      row_count: folded.row_count,
      reason: 'compacted',
      into: journal.day_path,
      deleted_at: journal.compacted_at,
    }));
  if (lines.length > 0) await appendArchiveManifestLines(files.manifestPath, lines);
  faultPoint('compaction:after-deletion-records');
  for (const [index, folded] of journal.folded.entries()) {
    await rm(await archiveInFolder(files, shown, folded.path, 'folded archive'), { force: true });
    if (index === 0) faultPoint('compaction:after-first-delete');
  }
}

/**
 * Finishes or undoes a compaction step a killed run left; null when there was none. Only paths
 * inside the archive folder, shaped as archives and not reached through a link, are touched.
 */
export async function recoverCompaction(
  files: CompactionFiles,
  shownOf: (absolute: string) => string,
): Promise<CompactionRecovery | null> {
  const path = compactionJournalPath(files.archiveDir);
  const shown = shownOf(path);
  const journal = await readJournalFile(path, shown, journalShape);
  if (journal === null) return null;
  const day = await archiveInFolder(files, shown, journal.day_path, 'day archive');
  const manifest = await readArchiveManifest({
    path: files.manifestPath,
    label: shownOf(files.manifestPath),
  });
  const listed = manifest.entries.some(
    (entry) => entry.path === journal.day_path && entry.sha256 === journal.day_sha256,
  );
  if (
    !listed &&
    journal.day_bytes_before === 0 &&
    manifest.entries.some((entry) => entry.path === journal.day_path)
  ) {
    throw journalRefused(
      shown,
      `says ${quoteUntrusted(journal.day_path)} was new, but the manifest lists it`,
    );
  }
  if (listed) await deleteFoldedArchives(files, journal, manifest, shown);
  else await undoArchiveAppend(day, journal.day_bytes_before);
  await clearCompactionJournal(files.archiveDir);
  return {
    action: listed ? 'rolled_forward' : 'rolled_back',
    job_id: journal.job_id,
    archive: journal.day_path,
  };
}
