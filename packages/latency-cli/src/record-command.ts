import {
  type CommandContext,
  type CommandDefinition,
  EXIT_USAGE,
  exitCodeForStatus,
  failureSummary,
  finiteNumber,
  type JobRunResult,
  type JobStatus,
  METRIC_FAMILIES,
  type MetricSample,
  makeJobId,
  recordRunMetrics,
} from '@obs-automation/core';
import { appendSamplesToRaw } from '@obs-automation/latency-store';
import { takeLatencyLock } from './command-lock.js';
import { readingOwnFile } from './input-unreadable.js';
import type { LatencyConfig } from './latency-config.js';
import { LATENCY_CONFIG, RECORD_COMMAND_NAME } from './latency-options.js';
import { recordSummaryFacts } from './latency-summary-facts.js';
import { RejectsWriter } from './raw/rejects-file.js';
import { collectRecordInput, type RecordInput } from './record/record-input.js';
import { RECORD_OPTIONS, type RecordOptions } from './record-options.js';

const MAX_REJECTS_SHOWN = 20;

/** Appends under the latency lock, waiting for it up to --lock-wait-seconds; returns the lock latency. */
async function writeUnderLock(
  options: RecordOptions,
  context: CommandContext,
  input: RecordInput,
  artefacts: string[],
): Promise<number> {
  const rawPath = context.resolvePath(options.input);
  const rejectsPath = context.resolvePath(options.rejectsFile);
  const lock = await takeLatencyLock(
    options,
    context,
    RECORD_COMMAND_NAME,
    'nothing was written, send the samples again',
  );
  try {
    // Rejects first: when they cannot be kept (a link where the rejects file belongs, a full disk)
    // nothing is written and the whole input can be sent again without doubling a sample.
    const rejects = new RejectsWriter(rejectsPath, input.sourceLabel, context.common.now.toISOString());
    for (const rejected of input.rejected) rejects.add(rejected.line, rejected.reason, rejected.raw);
    await rejects.flush();
    if (rejects.count > 0) artefacts.push(context.relativePath(rejectsPath));
    await readingOwnFile(
      appendSamplesToRaw({ path: rawPath, label: context.relativePath(rawPath) }, input.samples),
    );
    if (input.samples.length > 0) artefacts.push(context.relativePath(rawPath));
  } finally {
    await lock.release();
  }
  return lock.latencyMs;
}

/**
 * `obs-latency record`: validates the samples before taking the lock, waits for the latency lock,
 * appends them in one write, and moves bad JSON lines to the rejects file with their line
 * numbers. Exit 2 for usage, 1 when nothing could be written, 0 otherwise (status warning when
 * lines were rejected). It writes no run-log entry: it is a data write a notifier may make many
 * times an hour, and its rows, rejects and summary already record it.
 */
async function runRecord(options: RecordOptions, context: CommandContext): Promise<JobRunResult> {
  const startedMs = performance.now();
  const input = await collectRecordInput(options, context);
  const artefacts: string[] = [];
  let lockLatencyMs: number | null = null;
  try {
    if (input.samples.length + input.rejected.length > 0) {
      lockLatencyMs = await writeUnderLock(options, context, input, artefacts);
    }
  } finally {
    await input.spool?.discard();
  }
  const rejected = input.rejected.length;
  const status: JobStatus = rejected > 0 ? 'warning' : 'ok';
  const rejectsFile = context.relativePath(context.resolvePath(options.rejectsFile));
  const summary = {
    status,
    job_id: makeJobId(recordCommand.name, context.common.now),
    job_name: recordCommand.name,
    duration_ms: Math.round(performance.now() - startedMs),
    artefacts,
    samples_written: input.samples.length,
    rows_rejected: rejected,
    rejected: input.rejected.slice(0, MAX_REJECTS_SHOWN).map(({ line, reason }) => ({ line, reason })),
    input: context.relativePath(context.resolvePath(options.input)),
    lock_latency_ms: lockLatencyMs,
    diagnostics:
      rejected > 0
        ? {
            error_code: 'rows_rejected',
            error_message: `${input.sourceLabel}:${input.rejected[0]?.line}: ${input.rejected[0]?.reason}; ${rejected} line(s) rejected in all, kept in ${rejectsFile}`,
          }
        : {},
  };
  return { exitCode: exitCodeForStatus(status), summary };
}

/** What a run adds to the command's counters besides what every run writes. */
function recordMetrics(summary: Readonly<Record<string, unknown>>): MetricSample[] {
  return [
    { family: METRIC_FAMILIES.recordedSamples, add: finiteNumber(summary.samples_written) ?? 0 },
    { family: METRIC_FAMILIES.recordedRejects, add: finiteNumber(summary.rows_rejected) ?? 0 },
  ];
}

/**
 * Every run, failed ones included, replaces the command's own metrics file; a usage error
 * (exit 2: nothing was read or written) does not count as a run.
 */
async function runRecordWithMetrics(options: RecordOptions, context: CommandContext): Promise<JobRunResult> {
  const startedMs = performance.now();
  const result = await runRecord(options, context).catch((error: unknown) =>
    failureSummary(recordCommand.name, error, context.common.now, startedMs),
  );
  if (result.exitCode === EXIT_USAGE) return result;
  const summary = await recordRunMetrics(result.summary, {
    metricsDir: context.resolvePath(context.common.metricsDir),
    relativePath: context.relativePath,
    jobName: recordCommand.name,
    now: context.common.now,
    domain: recordMetrics,
  });
  return { exitCode: result.exitCode, summary };
}

export const recordCommand: CommandDefinition<
  typeof RECORD_OPTIONS.declarations,
  RecordOptions,
  LatencyConfig
> = {
  name: RECORD_COMMAND_NAME,
  description:
    'Appends latency samples to the raw file under the lock the latency job uses, so a notifier can feed ' +
    'samples while the job runs without either losing a row. Writes no run-log entry: it is a data write, not a job run.',
  examples: [
    'obs-latency record --source router_demo --latency-ms 412 --status success',
    'notifier | obs-latency record --from-jsonl -',
    'obs-latency record --from-jsonl samples.jsonl --lock-wait-seconds 300',
  ],
  options: RECORD_OPTIONS,
  config: LATENCY_CONFIG,
  commonOptions: ['root', 'config', 'now', 'lockStaleSeconds', 'metricsDir', 'jsonOut', 'configDump'],
  describeSummary: recordSummaryFacts,
  execute: runRecordWithMetrics,
};
