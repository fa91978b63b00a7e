import { errorMessageOf, type JobContext, pruneJobFiles } from '@obs-automation/core';
import type { LatencyOptions } from '../latency-options.js';
import type { LatencyPaths } from '../latency-paths.js';
import type { RunNotes } from '../run-notes.js';
import { pruneRejects } from './rejects-retention.js';

/**
 * The retention of the job's own outputs that only grow: dry-run alert payloads
 * (--alert-payload-retention-days) and rows of the rejects file (--rejects-retention-days), each
 * judged by the run's clock and recorded in the retention manifest before it happens.
 */
export async function applyOutputRetention(
  options: LatencyOptions,
  context: JobContext,
  paths: LatencyPaths,
  notes: RunNotes,
): Promise<void> {
  const manifestPath = context.resolvePath(options.retentionManifest);
  try {
    await pruneOutputs(options, context, paths, notes, manifestPath);
  } catch (error) {
    // Retention never makes the run fail: what it could not delete is tried again next run.
    notes.warnings.push(`retention of the job's outputs did not finish: ${errorMessageOf(error)}`);
  }
}

async function pruneOutputs(
  options: LatencyOptions,
  context: JobContext,
  paths: LatencyPaths,
  notes: RunNotes,
  manifestPath: string,
): Promise<void> {
  const payloads = await pruneJobFiles({
    dir: context.resolvePath(options.alertsDir),
    days: options.alertPayloadRetentionDays,
    now: context.now,
    jobId: context.jobId,
    manifestPath,
    shown: (absolute) => context.relativePath(absolute),
    faultPointName: 'latency:after-retention-record',
  });
  const rejectRows = await pruneRejects({
    rejectsPath: paths.rejects.path,
    days: options.rejectsRetentionDays,
    now: context.now,
    jobId: context.jobId,
    manifestPath,
    label: paths.rejects.label,
  });
  if (payloads.length === 0 && rejectRows === 0) return;
  notes.diagnostics.retention = {
    alert_payloads_deleted: payloads.length,
    rejected_rows_removed: rejectRows,
  };
  notes.artefacts.add(context.relativePath(manifestPath));
  if (rejectRows > 0) notes.artefacts.add(paths.rejects.label);
}
