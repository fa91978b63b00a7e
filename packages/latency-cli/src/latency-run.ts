import type { JobContext, JobOutcome } from '@obs-automation/core';
import { appendSamplesToRaw } from '@obs-automation/latency-store';
import { runAlertStep } from './alerts/latency-alerts.js';
import { journalPathFor, recoverRotation, removeStaleTemps } from './archive/rotation-journal.js';
import { recoverCompaction } from './compaction/compaction-journal.js';
import { readingOwnFile } from './input-unreadable.js';
import type { LatencyOptions } from './latency-options.js';
import { latencyOutcome } from './latency-outcome.js';
import { resolveLatencyPaths } from './latency-paths.js';
import { probeSources } from './probes/http-probe.js';
import { analyseRawSamples, fileSize } from './raw/raw-analysis.js';
import { applyOutputRetention } from './retention/latency-retention.js';
import { RunNotes } from './run-notes.js';
import { checkWebhookUrls } from './webhook-urls.js';

/**
 * One run of obs-latency under the job lock the harness holds: finish any rotation a killed run
 * left, probe the sources, analyse and rotate the raw samples, then decide and deliver alerts.
 */
export async function runLatency(options: LatencyOptions, context: JobContext): Promise<JobOutcome> {
  const startedAt = performance.now();
  const paths = resolveLatencyPaths(options, context);
  const notes = new RunNotes();
  if (!options.dryRunAlert) checkWebhookUrls(options.alert.webhooks, (name) => context.readSecret(name));

  const archiveFiles = {
    root: context.root,
    archiveDir: paths.archiveDir,
    manifestPath: paths.manifest.path,
  };
  const shown = (absolute: string) => context.relativePath(absolute);
  // A compaction killed half-way is finished or undone first, so the day archive it touched is usable.
  const compaction = await recoverCompaction(archiveFiles, shown);
  if (compaction) notes.diagnostics.compaction_recovery = compaction;
  const recovery = await recoverRotation({ ...archiveFiles, rawPath: paths.input.path }, shown);
  if (recovery) {
    notes.diagnostics.rotation_recovery = recovery;
    if (recovery.action === 'raw_temp_missing' || recovery.action === 'raw_changed') {
      notes.warnings.push(
        `an interrupted rotation (${recovery.job_id}) could not be finished (${recovery.action}); rows of ${recovery.archive} may also still be in the raw file`,
      );
    }
  }
  await Promise.all(
    [
      paths.input.path,
      journalPathFor(paths.input.path),
      paths.rollup.path,
      paths.archiveTempTarget,
      paths.rejects.path,
    ].map(removeStaleTemps),
  );
  context.checkpoint();

  // Probes first, so this run's own samples are analysed with the rest.
  let samplesWritten = 0;
  if (options.sources.length > 0) {
    const samples = await probeSources(options.sources, {
      now: context.now,
      startedAt,
      readSecret: (name) => context.readSecret(name),
      signal: context.signal,
    });
    await readingOwnFile(appendSamplesToRaw(paths.input, samples));
    samplesWritten = samples.length;
    notes.artefacts.add(paths.input.label);
  }
  context.checkpoint();

  const analysis = await analyseRawSamples(options, context, paths, notes);
  context.checkpoint();

  const alerts = await runAlertStep(analysis.rows, options, context);
  if (alerts.dryRunFile) notes.artefacts.add(context.relativePath(alerts.dryRunFile));
  notes.artefacts.add(context.relativePath(paths.heartbeat));
  context.checkpoint();
  await applyOutputRetention(options, context, paths, notes);

  const rawSizeAfter = (await fileSize(paths.input)) ?? 0;
  return latencyOutcome(options, context, { samplesWritten, analysis, alerts, rawSizeAfter }, notes);
}
