import { join } from 'node:path';
import {
  type CommandContext,
  type CommandDefinition,
  compactUtcStamp,
  exitCodeForStatus,
  type JobRunResult,
  type JobStatus,
  makeJobId,
  missingInput,
  orderedSummary,
  runLogFiles,
  writeFileAtomic,
} from '@obs-automation/core';
import { KPI_EARLIER_FLAGS } from '../earlier-flags.js';
import { FirstItems, REPORTED_LINES } from '../log/first-items.js';
import { KpiAccumulator } from './kpi-accumulator.js';
import { finalizeKpiOptions, KPI_OPTIONS, type KpiOptions } from './kpi-options.js';
import { corruptLineLabel, kpiReportMarkdown, type LogReading } from './kpi-report.js';
import { kpiSummaryFacts } from './kpi-summary-facts.js';
import { LineKinds } from './line-kinds.js';
import { forEachRunLogEntry } from './run-log-entries.js';
import { readSegmentKpiDigest } from './segment-kpi-digest-file.js';

const NAME = 'verify-kpi';

/**
 * One pass over the log: every entry of the period added up, every other line counted. A sealed
 * segment whose KPI digest composes exactly with what came before it is taken from the digest.
 */
async function readPeriod(options: KpiOptions, context: CommandContext) {
  const files = runLogFiles(context.common.root, context.resolvePath(context.common.logFile));
  const shown = files.shownLog;
  const accumulator = new KpiAccumulator({
    fromMs: options.from.getTime(),
    untilMs: options.until.getTime(),
    endMs: Math.max(options.from.getTime(), Math.min(options.until.getTime(), options.now.getTime())),
  });
  const kinds = new LineKinds();
  const where = { before: 0, in: 0, after: 0 };
  const segments = { sealed: 0, from_digest: 0 };
  const digestProblems = new FirstItems<string>(REPORTED_LINES);
  const lines = await forEachRunLogEntry(
    files,
    (item) => {
      const run = kinds.runOf(item);
      if (run !== null) where[accumulator.add(run)] += 1;
    },
    async (segment) => {
      segments.sealed += 1;
      const read = await readSegmentKpiDigest(files, segment);
      if (read.digest === null) {
        if (read.problem !== null) digestProblems.add(read.problem);
        return false;
      }
      const part = accumulator.addDigest(read.digest);
      if (part === null) return false;
      where[part] += read.digest.runs;
      kinds.addDigest(read.digest);
      segments.from_digest += 1;
      return true;
    },
  );
  if (lines === null)
    throw missingInput([shown], `run log ${shown} does not exist: there is nothing to report`);
  const log: LogReading = {
    file: shown,
    lines,
    entries_in_window: where.in,
    entries_before_window: where.before,
    entries_after_window: where.after,
    corrupt_lines: kinds.corrupt.count,
    corrupt_examples: kinds.corrupt.items,
    sequence_repairs: kinds.sequenceRepairs,
    sealed_segments: segments.sealed,
    segments_from_digest: segments.from_digest,
    digest_problems: digestProblems.items,
  };
  return { log, result: accumulator.result() };
}

/**
 * `obs-verify kpi`: the launch and operations KPIs of a period, from one streaming pass over
 * the run log: the JSON summary on stdout and a Markdown report. A report, not a job run: it
 * takes no lock and writes no log entry (it would change the log it reports on).
 */
async function runKpi(options: KpiOptions, context: CommandContext): Promise<JobRunResult> {
  const startedMs = performance.now();
  const jobId = makeJobId(NAME, context.common.now);
  const { log, result } = await readPeriod(options, context);
  const from = options.from.toISOString();
  const until = options.until.toISOString();
  const reportPath = context.resolvePath(
    join(options.outDir, `${compactUtcStamp(options.from)}_${compactUtcStamp(options.until)}.md`),
  );
  await writeFileAtomic(
    reportPath,
    kpiReportMarkdown({ from, until, generatedAt: context.common.now.toISOString(), jobId, log, result }),
  );
  const report = context.relativePath(reportPath);
  const status: JobStatus = log.corrupt_lines > 0 ? 'warning' : 'ok';
  const summary = orderedSummary({
    status,
    job_id: jobId,
    job_name: NAME,
    duration_ms: Math.round(performance.now() - startedMs),
    artefacts: [report],
    window: { from, until },
    log,
    overall: result.overall,
    jobs: result.jobs,
    report,
    diagnostics:
      status === 'warning'
        ? {
            error_code: 'corrupt_log_lines',
            error_message: `${log.file}: ${log.corrupt_lines} line(s) are not run-log entries and were not counted; first: ${corruptLineLabel(log.corrupt_examples[0])} (${log.corrupt_examples[0]?.problem})`,
          }
        : {},
  });
  return { exitCode: exitCodeForStatus(status), summary };
}

export const kpiCommand: CommandDefinition<typeof KPI_OPTIONS.declarations, KpiOptions> = {
  name: NAME,
  description:
    'Launch and operations KPIs of a period from the run log: runs, success ratio, failures by error code, SLO breach ' +
    'episodes and hours, delivery retries, durations, skipped runs, time to recovery, longest stretch without a success. ' +
    'Prints the JSON summary and writes a Markdown report; takes no lock and writes no log entry.',
  examples: [
    'obs-verify kpi --since 7d',
    'obs-verify kpi --since 2025-09-29 --until 2025-10-06',
    'obs-verify kpi --since 28d --out-dir reports/kpi/m4',
  ],
  options: KPI_OPTIONS,
  describeSummary: kpiSummaryFacts,
  flagMigrations: KPI_EARLIER_FLAGS,
  finalize: finalizeKpiOptions,
  commonOptions: ['root', 'now', 'logFile', 'jsonOut', 'configDump'],
  execute: runKpi,
};
