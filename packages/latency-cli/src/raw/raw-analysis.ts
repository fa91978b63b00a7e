import { stat } from 'node:fs/promises';
import {
  errorMessageOf,
  faultPoint,
  type JobContext,
  JobError,
  MS_PER_DAY,
  writeFileAtomic,
} from '@obs-automation/core';
import {
  type CheckpointedManifest,
  checkpointPathOf,
  formatRollup,
  type LatencyFile,
  type RollupRow,
  readCheckpointedManifest,
  readRollupFile,
  writeManifestCheckpoint,
} from '@obs-automation/latency-store';
import { addArchivedSamples, type ReadBack } from '../archive/archive-readback.js';
import { commitRawPass, type RotationResult } from '../archive/rotation.js';
import { readingOwnFile } from '../input-unreadable.js';
import type { LatencyOptions } from '../latency-options.js';
import type { LatencyPaths } from '../latency-paths.js';
import { mergeRollup } from '../rollup/rollup-merge.js';
import type { RunNotes } from '../run-notes.js';
import { discardRawPass, type RawPass, runRawPass } from './raw-pass.js';
import { RejectsWriter } from './rejects-file.js';

export interface RawAnalysis {
  /** null when there is no raw file */
  pass: RawPass | null;
  readBack: ReadBack;
  /** windows recomputed this run */
  recomputed: RollupRow[];
  /** the whole rollup as written */
  rows: RollupRow[];
  rotation: RotationResult;
}

export async function fileSize(file: LatencyFile): Promise<number | null> {
  try {
    return (await stat(file.path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new JobError('input_unreadable', `${file.label}: cannot read: ${errorMessageOf(error)}`, {
      file: file.label,
    });
  }
}

function rollupRowsOf(pass: RawPass | null): RollupRow[] {
  if (!pass) return [];
  const { windows } = pass;
  return windows.starts().map((startMs) => ({
    startMs,
    endMs: startMs + windows.windowMs,
    ...windows.figuresOf(startMs),
    breachFlag: false,
    breachStreak: 0,
  }));
}

/**
 * Writes a checkpoint of the archive manifest when enough lines were read past the last one: a
 * cache, so a failure to write it is a warning and the next run reads the whole manifest.
 */
async function checkpointManifest(read: CheckpointedManifest, paths: LatencyPaths, notes: RunNotes) {
  try {
    await writeManifestCheckpoint(paths.manifest, read);
  } catch (error) {
    notes.warnings.push(
      `${checkpointPathOf(paths.manifest.label)} could not be written (${errorMessageOf(error)}); the next run reads the whole archive manifest`,
    );
  }
}

/**
 * Reads the raw file once, rolls every window with raw rows up from all its samples (archived ones
 * included), replaces the rollup, and then moves expired, closed-window and rejected rows out of
 * the raw file. The rollup is replaced before any row leaves the raw file, so a crash in between
 * still leaves it covering every sample of the windows being archived.
 */
export async function analyseRawSamples(
  options: LatencyOptions,
  context: JobContext,
  paths: LatencyPaths,
  notes: RunNotes,
): Promise<RawAnalysis> {
  const nowMs = context.now.getTime();
  const rollupCutoffMs = nowMs - options.rollupRetentionDays * MS_PER_DAY;
  const rawSize = await fileSize(paths.input);
  const manifestRead = await readingOwnFile(readCheckpointedManifest(paths.manifest));
  const { manifest } = manifestRead;
  await checkpointManifest(manifestRead, paths, notes);
  for (const issue of manifest.issues) {
    notes.warnings.push(`${paths.manifest.label}: line ${issue.line}: ${issue.message}`);
  }
  const rejects = new RejectsWriter(paths.rejects.path, paths.input.label, context.now.toISOString());
  const pass =
    rawSize === null
      ? null
      : await runRawPass({
          raw: paths.input,
          nowMs,
          windowMs: options.window.ms,
          expiryCutoffMs: nowMs - options.rawRetentionDays * MS_PER_DAY,
          sizeRotation: rawSize > options.maxRawBytes,
          rollupCutoffMs,
          archiveTempTarget: paths.archiveTempTarget,
          rejects,
          signal: context.signal,
        });

  let readBack: ReadBack = { archivesRead: 0, samplesAdded: 0, issues: [] };
  let recomputed: RollupRow[];
  let rows: RollupRow[];
  try {
    context.checkpoint();
    if (pass) {
      readBack = await addArchivedSamples(pass.windows, manifest, {
        root: context.root,
        label: paths.manifest.label,
      });
    }
    notes.warnings.push(...readBack.issues);
    recomputed = rollupRowsOf(pass);
    rows = mergeRollup(await readingOwnFile(readRollupFile(paths.rollup)), recomputed, rollupCutoffMs, {
      sloP95Ms: options.alert.slo_p95_ms,
      failureRateThreshold: options.alert.failure_rate_threshold,
    });
    await writeFileAtomic(paths.rollup.path, formatRollup(rows));
    faultPoint('latency:after-rollup-replace');
    notes.artefacts.add(paths.rollup.label);
    // Rejected rows reach the rejects file before the raw file is replaced without them.
    await rejects.flush();
    if (rejects.count > 0) notes.artefacts.add(paths.rejects.label);
  } catch (error) {
    if (pass) await discardRawPass(pass);
    throw error;
  }

  // From here on commitRawPass owns the temporary files; a half-done rotation is finished by the next run.
  const rotation: RotationResult = pass
    ? await commitRawPass(pass, {
        jobId: context.jobId,
        now: context.now,
        root: context.root,
        rawPath: paths.input.path,
        archiveDir: paths.archiveDir,
        manifestPath: paths.manifest.path,
        shown: (absolute) => context.relativePath(absolute),
        manifest,
      })
    : { entry: null, archivePath: null, rawReplaced: false, dayArchiveRefused: null };
  if (rotation.dayArchiveRefused) {
    notes.warnings.push(
      `rows archived to ${context.relativePath(rotation.archivePath ?? '')} instead of the day archive: ${rotation.dayArchiveRefused}`,
    );
  }
  if (rotation.rawReplaced) notes.artefacts.add(paths.input.label);
  if (rotation.archivePath) {
    notes.artefacts.add(context.relativePath(rotation.archivePath));
    notes.artefacts.add(paths.manifest.label);
  }
  if (rejects.count > 0) notes.diagnostics.rejects = rejects.firstReasons;
  if (readBack.archivesRead > 0) notes.diagnostics.archives_read_back = readBack.archivesRead;
  return { pass, readBack, recomputed, rows, rotation };
}
