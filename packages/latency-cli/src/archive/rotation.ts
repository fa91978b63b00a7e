import { relative, sep } from 'node:path';
import { errorMessageOf, faultPoint, JobError } from '@obs-automation/core';
import {
  type ArchiveManifestEntry,
  appendArchiveManifestEntry,
  newArchivePath,
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
}

export interface RotationResult {
  entry: ArchiveManifestEntry | null;
  archivePath: string | null;
  rawReplaced: boolean;
}

/** The archive is not in the manifest: remove it and the journal, leaving every row in the raw file. */
async function undoRotation(context: RotationContext, pass: RawPass): Promise<void> {
  await recoverRotation(context, context.shown).catch(() => undefined);
  await discardRawPass(pass);
}

function archiveFailure(step: string, error: unknown): JobError {
  if (error instanceof JobError) return error;
  return new JobError('archive_failed', `${step}: ${errorMessageOf(error)}`);
}

/**
 * Makes the pass's outcome permanent, in the order that never loses a row: a journal notes the
 * rotation, the archive is written (fsync, rename), its manifest line is appended, and only then
 * is the raw file replaced by the rows that stay. Rejected rows are already in the rejects
 * file. Without anything moved or rejected the raw file is left untouched.
 */
export async function commitRawPass(pass: RawPass, context: RotationContext): Promise<RotationResult> {
  const archive = pass.archive;
  if (!archive && pass.rejected === 0) {
    await discardRawPass(pass);
    return { entry: null, archivePath: null, rawReplaced: false };
  }
  if (!archive) {
    try {
      await pass.rawTemp.close();
      await replaceRawFile(context.rawPath, pass.rawTemp.tempPath, pass.bytesRead);
    } catch (error) {
      await discardRawPass(pass);
      throw archiveFailure(`cannot replace ${context.rawPath}`, error);
    }
    return { entry: null, archivePath: null, rawReplaced: true };
  }

  const target = await newArchivePath(context.archiveDir, context.jobId, context.now);
  const entryPath = relative(context.root, target).split(sep).join('/');
  let sha256: string;
  try {
    await pass.rawTemp.close();
    // The journal comes first, so a run killed at any later point is finished or undone by the next.
    await writeRotationJournal({
      job_id: context.jobId,
      raw_path: context.rawPath,
      raw_temp: pass.rawTemp.tempPath,
      raw_bytes_consumed: pass.bytesRead,
      archive_path: target,
      manifest_path: context.manifestPath,
      manifest_entry_path: entryPath,
    });
    await archive.writer.commit(target);
    sha256 = (await archive.writer.close()).sha256;
  } catch (error) {
    await undoRotation(context, pass);
    throw archiveFailure(`cannot write archive ${target}`, error);
  }
  faultPoint('latency:after-archive-write');

  const entry: ArchiveManifestEntry = {
    job_id: context.jobId,
    path: entryPath,
    sha256,
    row_count: archive.rows,
    first_ts: new Date(archive.firstMs).toISOString(),
    last_ts: new Date(archive.lastMs).toISOString(),
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
  try {
    await replaceRawFile(context.rawPath, pass.rawTemp.tempPath, pass.bytesRead);
  } catch (error) {
    // The journal stays: the next run finishes the rotation.
    throw archiveFailure(`archived ${entry.path} but cannot replace ${context.rawPath}`, error);
  }
  faultPoint('latency:after-raw-replace');
  await clearRotationJournal(context.rawPath);
  return { entry, archivePath: target, rawReplaced: true };
}
