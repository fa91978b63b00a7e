import { relative, sep } from 'node:path';
import { errorMessageOf, faultPoint, JobError } from '@obs-automation/core';
import {
  type ArchiveAppend,
  type ArchiveManifest,
  type ArchiveManifestEntry,
  appendArchiveManifestEntry,
  appendedArchive,
  appendToArchive,
  cumulativeFigures,
  dayArchivePath,
  newArchivePath,
  planArchiveAppend,
} from '@obs-automation/latency-store';
import { discardRawPass, type RawPass } from '../raw/raw-pass.js';
import { replaceRawFile } from '../raw/raw-replace.js';
import {
  clearRotationJournal,
  type RotationFiles,
  recoverRotation,
  writeRotationJournal,
} from './rotation-journal.js';

export interface RotationContext extends RotationFiles {
  jobId: string;
  now: Date;
  /** how messages name a file (root-relative) */
  shown: (absolute: string) => string;
  /** the archive manifest as this run read it (under the lock: nobody else appends meanwhile) */
  manifest: ArchiveManifest;
}

export interface RotationResult {
  entry: ArchiveManifestEntry | null;
  archivePath: string | null;
  rawReplaced: boolean;
  /** why the rows went to a per-run archive instead of the day's; null when they did not */
  dayArchiveRefused: string | null;
}

/** The archive is not in the manifest: take it back, remove the journal, leave every row in the raw file. */
async function undoRotation(context: RotationContext, pass: RawPass): Promise<void> {
  await recoverRotation(context, context.shown).catch(() => undefined);
  await discardRawPass(pass);
}

function archiveFailure(step: string, error: unknown): JobError {
  if (error instanceof JobError) return error;
  return new JobError('archive_failed', `${step}: ${errorMessageOf(error)}`);
}

export const entryPathOf = (root: string, absolute: string) => relative(root, absolute).split(sep).join('/');

/** The last manifest line naming `entryPath`: what the archive holds now. */
export function lastLineFor(manifest: ArchiveManifest, entryPath: string) {
  return manifest.entries.findLast((entry) => entry.path === entryPath);
}

/**
 * Where the rows go: the day archive of the run's UTC day, appended to when it is exactly what
 * its last manifest line covers and has the raw file's header; otherwise (altered, unlisted,
 * another header) a new per-run archive as before, and the reason is reported.
 */
async function planRotationTarget(
  context: RotationContext,
  header: string,
): Promise<{ plan: ArchiveAppend; refused: string | null }> {
  const day = dayArchivePath(context.archiveDir, context.now);
  const current = lastLineFor(context.manifest, entryPathOf(context.root, day));
  const plan = await planArchiveAppend({ path: day, label: context.shown(day) }, current, header);
  if (typeof plan !== 'string') return { plan, refused: null };
  const target = await newArchivePath(context.archiveDir, context.jobId, context.now);
  const fresh = await planArchiveAppend({ path: target, label: context.shown(target) }, undefined, header);
  if (typeof fresh === 'string') throw new JobError('archive_failed', fresh);
  return { plan: fresh, refused: plan };
}

/**
 * Makes the pass's outcome permanent, in the order that never loses a row: a journal notes the
 * rotation (with the archive's size before and its SHA-256 after), the rows are appended to the
 * archive as one gzip member (fsync), its manifest line is appended, and only then is the raw
 * file replaced by the rows that stay. Rejected rows are already in the rejects file. Without
 * anything moved or rejected the raw file is left untouched.
 */
export async function commitRawPass(pass: RawPass, context: RotationContext): Promise<RotationResult> {
  const archive = pass.archive;
  if (!archive && pass.rejected === 0) {
    await discardRawPass(pass);
    return { entry: null, archivePath: null, rawReplaced: false, dayArchiveRefused: null };
  }
  if (!archive) {
    try {
      await pass.rawTemp.close();
      await replaceRawFile(context.rawPath, pass.rawTemp.tempPath, pass.bytesRead);
    } catch (error) {
      await discardRawPass(pass);
      throw archiveFailure(`cannot replace ${context.rawPath}`, error);
    }
    return { entry: null, archivePath: null, rawReplaced: true, dayArchiveRefused: null };
  }

  let target: { plan: ArchiveAppend; refused: string | null };
  let after: { sha256: string; bytes: number };
  try {
    await pass.rawTemp.close();
    await archive.writer.close();
    target = await planRotationTarget(context, pass.header);
    after = await appendedArchive(target.plan, archive.writer.tempPath);
  } catch (error) {
    await discardRawPass(pass);
    throw archiveFailure('cannot prepare the archive', error);
  }
  const { plan } = target;
  const entryPath = entryPathOf(context.root, plan.file.path);
  try {
    // The journal comes first, so a run killed at any later point is finished or undone by the next.
    await writeRotationJournal({
      job_id: context.jobId,
      raw_path: context.rawPath,
      raw_temp: pass.rawTemp.tempPath,
      raw_bytes_consumed: pass.bytesRead,
      archive_path: plan.file.path,
      archive_bytes_before: plan.bytesBefore,
      archive_sha256: after.sha256,
      manifest_path: context.manifestPath,
      manifest_entry_path: entryPath,
    });
    await appendToArchive(plan, archive.writer.tempPath, () => faultPoint('latency:mid-archive-append'));
  } catch (error) {
    await undoRotation(context, pass);
    throw archiveFailure(`cannot write archive ${plan.file.path}`, error);
  }
  faultPoint('latency:after-archive-write');

  const entry: ArchiveManifestEntry = {
    job_id: context.jobId,
    path: entryPath,
    sha256: after.sha256,
    bytes: after.bytes,
    ...cumulativeFigures(plan.current, archive),
    reason: archive.reason,
    rotated_at: context.now.toISOString(),
  };
  try {
    await appendArchiveManifestEntry(context.manifestPath, entry);
  } catch (error) {
    await undoRotation(context, pass);
    throw archiveFailure(`cannot record archive ${entry.path} in ${context.manifestPath}`, error);
  }
  faultPoint('latency:after-manifest-append');
  await archive.writer.discard();
  try {
    await replaceRawFile(context.rawPath, pass.rawTemp.tempPath, pass.bytesRead);
  } catch (error) {
    // The journal stays: the next run finishes the rotation.
    throw archiveFailure(`archived ${entry.path} but cannot replace ${context.rawPath}`, error);
  }
  faultPoint('latency:after-raw-replace');
  await clearRotationJournal(context.rawPath);
  return { entry, archivePath: plan.file.path, rawReplaced: true, dayArchiveRefused: target.refused };
}
