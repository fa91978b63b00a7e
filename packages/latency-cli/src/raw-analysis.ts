import { stat } from 'node:fs/promises';
import {
  errorMessageOf,
  faultPoint,
  type JobContext,
  JobError,
  MS_PER_DAY,
  writeFileAtomic,
} from '@obs-automation/core';
import { readArchiveManifest } from './archive-manifest.js';
import { addArchivedSamples, type ReadBack } from './archive-readback.js';
import type { LatencyOptions } from './latency-options.js';
import type { LatencyPaths } from './latency-paths.js';
import { discardRawPass, type RawPass, runRawPass } from './raw-pass.js';
import { RejectsWriter } from './rejects-file.js';
import { formatRollup, mergeRollup, type RollupRow, readRollup } from './rollup-file.js';
import { commitRawPass, type RotationResult } from './rotation.js';
import type { RunNotes } from './run-notes.js';

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

export async function fileSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new JobError('input_unreadable', `${path}: cannot read: ${errorMessageOf(error)}`, { file: path });
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
  const manifest = await readArchiveManifest(paths.manifest);
  for (const issue of manifest.issues) {
    notes.warnings.push(`${context.relativePath(paths.manifest)}: line ${issue.line}: ${issue.message}`);
  }
  const rejects = new RejectsWriter(
    paths.rejects,
    context.relativePath(paths.input),
    context.now.toISOString(),
  );
  const pass =
    rawSize === null
      ? null
      : await runRawPass({
          rawPath: paths.input,
          label: paths.input,
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
    if (pass) readBack = await addArchivedSamples(pass.windows, manifest, context.root);
    notes.warnings.push(...readBack.issues);
    recomputed = rollupRowsOf(pass);
    rows = mergeRollup(await readRollup(paths.rollup), recomputed, rollupCutoffMs, {
      sloP95Ms: options.alert.slo_p95_ms,
      failureRateThreshold: options.alert.failure_rate_threshold,
    });
    await writeFileAtomic(paths.rollup, formatRollup(rows));
    faultPoint('latency:after-rollup-replace');
    notes.artefacts.add(context.relativePath(paths.rollup));
    // Rejected rows reach the rejects file before the raw file is replaced without them.
    await rejects.flush();
    if (rejects.count > 0) notes.artefacts.add(context.relativePath(paths.rejects));
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
        rawPath: paths.input,
        archiveDir: paths.archiveDir,
        manifestPath: paths.manifest,
      })
    : { entry: null, archivePath: null, rawReplaced: false };
  if (rotation.rawReplaced) notes.artefacts.add(context.relativePath(paths.input));
  if (rotation.archivePath) {
    notes.artefacts.add(context.relativePath(rotation.archivePath));
    notes.artefacts.add(context.relativePath(paths.manifest));
  }
  if (rejects.count > 0) notes.diagnostics.rejects = rejects.firstReasons;
  if (readBack.archivesRead > 0) notes.diagnostics.archives_read_back = readBack.archivesRead;
  return { pass, readBack, recomputed, rows, rotation };
}
