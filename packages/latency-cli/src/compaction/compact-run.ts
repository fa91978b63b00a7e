import { join } from 'node:path';
import {
  type CommandContext,
  exitCodeForStatus,
  type JobRunResult,
  type JobStatus,
  makeJobId,
} from '@obs-automation/core';
import { currentArchives, readArchiveManifest } from '@obs-automation/latency-store';
import { lastLineFor } from '../archive/rotation.js';
import { removeStaleTemps } from '../archive/rotation-journal.js';
import { takeLatencyLock } from '../command-lock.js';
import { readingOwnFile } from '../input-unreadable.js';
import { COMPACT_COMMAND_NAME, type CompactOptions } from './compact-options.js';
import { recoverCompaction } from './compaction-journal.js';
import { compactDay, type DayOutcome, perRunArchivesByDay } from './day-compaction.js';

interface Compaction {
  recovery: Awaited<ReturnType<typeof recoverCompaction>>;
  days: DayOutcome[];
  archivesBefore: number;
  archivesAfter: number;
}

/** Folds every day's per-run archives into its day archive, under the latency lock. */
async function compactUnderLock(
  options: CompactOptions,
  context: CommandContext,
  jobId: string,
): Promise<Compaction> {
  const archiveDir = context.resolvePath(options.archiveDir);
  const manifestPath = context.resolvePath(options.archiveManifest);
  const manifestLabel = context.relativePath(manifestPath);
  const files = { root: context.common.root, archiveDir, manifestPath };
  const tempTarget = join(archiveDir, 'archive.csv.gz');
  const recovery = options.dryRun ? null : await recoverCompaction(files, context.relativePath);
  if (!options.dryRun) await removeStaleTemps(tempTarget);
  const manifest = await readingOwnFile(readArchiveManifest({ path: manifestPath, label: manifestLabel }));
  const archivesBefore = currentArchives(manifest).length;
  const days: DayOutcome[] = [];
  for (const group of perRunArchivesByDay(manifest, archiveDir)) {
    context.signal.throwIfAborted();
    days.push(
      await compactDay(group, {
        ...files,
        jobId,
        now: context.common.now,
        manifest,
        manifestLabel,
        tempTarget,
        shown: context.relativePath,
        dryRun: options.dryRun,
      }),
    );
  }
  const folded = days.reduce((sum, day) => sum + day.folded.length, 0);
  const newDayArchives = days.filter(
    (day) => day.folded.length > 0 && lastLineFor(manifest, day.archive) === undefined,
  ).length;
  return { recovery, days, archivesBefore, archivesAfter: archivesBefore - folded + newDayArchives };
}

/** One `compact-archives` run: every day folded under the latency lock, and its summary. */
export async function runCompaction(options: CompactOptions, context: CommandContext): Promise<JobRunResult> {
  const startedMs = performance.now();
  const jobId = makeJobId(COMPACT_COMMAND_NAME, context.common.now);
  const lock = await takeLatencyLock(
    options,
    context,
    COMPACT_COMMAND_NAME,
    'nothing was changed, run compact-archives again',
  );
  let result: Compaction;
  try {
    result = await compactUnderLock(options, context, jobId);
  } finally {
    await lock.release();
  }
  const skipped = result.days.flatMap((day) => day.skipped);
  const status: JobStatus = options.dryRun ? 'dry_run' : skipped.length > 0 ? 'warning' : 'ok';
  const written = result.days.filter((day) => day.folded.length > 0);
  const manifestLabel = context.relativePath(context.resolvePath(options.archiveManifest));
  const summary = {
    status,
    job_id: jobId,
    job_name: COMPACT_COMMAND_NAME,
    duration_ms: Math.round(performance.now() - startedMs),
    artefacts:
      options.dryRun || written.length === 0 ? [] : [...written.map((day) => day.archive), manifestLabel],
    dry_run: options.dryRun,
    archives_folded: written.reduce((sum, day) => sum + day.folded.length, 0),
    samples_folded: written.reduce((sum, day) => sum + day.samples, 0),
    day_archives_written: written.length,
    archives_before: result.archivesBefore,
    archives_after: options.dryRun ? result.archivesBefore : result.archivesAfter,
    days: result.days,
    diagnostics: {
      ...(result.recovery && { compaction_recovery: result.recovery }),
      ...(skipped.length > 0 && {
        error_code: 'archives_not_compacted',
        error_message: `${skipped.length} archive(s) left as they are: ${skipped[0]?.path}: ${skipped[0]?.reason}`,
        skipped,
      }),
    },
  };
  return { exitCode: exitCodeForStatus(status), summary };
}
