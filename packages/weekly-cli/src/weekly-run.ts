import type { JobContext, JobOutcome } from '@obs-automation/core';
import {
  errorMessageOf,
  JobError,
  pruneJobFiles,
  registeredJob,
  UNCODED_WARNING,
} from '@obs-automation/core';
import { DeliveryLedger } from './delivery-ledger.js';
import { nextDue, type ScheduleInput, undeliveredDueWeeks } from './delivery-plan.js';
import { type HistoryLocation, manifestPath, pruneHistory, recordMissedDelivery } from './history-store.js';
import { latestDueWeek, sendTimeOf } from './send-schedule.js';
import {
  keptDeliveries,
  recordKeptDeliveries,
  UNRECORDED_DELIVERIES_FIELD,
  type UnrecordedDelivery,
} from './unrecorded-deliveries.js';
import {
  deliverWeek,
  dryRunWeek,
  historyWriteFailed,
  type WeekResult,
  type WeekRunContext,
} from './week-report.js';
import { type WeekWindow, weekWindow } from './week-window.js';
import type { WeeklyOptions } from './weekly-options.js';
import { type RunNotes, weeklyOutcome } from './weekly-outcome.js';

const BINARY = registeredJob('weekly').binary;

/** One obs-weekly run: the weeks due, each built, validated and delivered once, then retention. */
export async function runWeekly(options: WeeklyOptions, context: JobContext): Promise<JobOutcome> {
  for (const note of options.deprecations)
    process.stderr.write(`${BINARY}: deprecated_config: ${note} (docs/runbook.md#weekly-schedule)\n`);
  const history: HistoryLocation = {
    dir: context.resolvePath(options.outDir),
    relative: context.relativePath,
  };
  const notes: RunNotes = {
    artefacts: [],
    diagnostics: options.deprecations.length > 0 ? { deprecated_config: options.deprecations } : {},
    problems: [],
  };
  const kept = keptDeliveries(context.previousHeartbeat, {
    now: context.now,
    retentionDays: options.historyRetentionDays,
  });
  if (kept.refused > 0)
    notes.diagnostics.unrecorded_deliveries_refused = `${kept.refused} entr${kept.refused === 1 ? 'y' : 'ies'} of ${UNRECORDED_DELIVERIES_FIELD} in the heartbeat did not check out (shape or checksum) and were dropped`;
  const unrecorded = options.dryRunWebhook
    ? kept.entries
    : await recordKept(history, kept.entries, options, context, notes);
  const ledger = await DeliveryLedger.read(history, unrecorded);
  const run: WeekRunContext = { options, context, history, ledger };
  const schedule: ScheduleInput = {
    now: context.now,
    schedule: options.schedule,
    catchUpWeeks: options.catchUpWeeks,
    ledger,
  };
  if (!options.dryRunWebhook) await completeLastRecord(run, notes);

  const weeks = await weeksToReport(options, schedule);
  const results = await reportWeeks(run, weeks, schedule, notes);
  const newlyUnrecorded = results.flatMap((result) => (result.unrecorded ? [result.unrecorded] : []));
  if (
    !options.dryRunWebhook &&
    results.every((result) => result.status === 'ok') &&
    notes.problems.length === 0
  )
    await applyRetention(run, weeks, notes);
  await pruneDryRunFiles(run, notes);
  if (options.weekStart) noteWeekNotDue(options.weekStart, options, context, notes);

  return weeklyOutcome({
    results,
    weeks,
    notes,
    dryRun: options.dryRunWebhook,
    next: await nextDue(schedule),
    lastDelivered: await ledger.lastDeliveredWeek(),
    unrecorded: [...unrecorded, ...newlyUnrecorded],
    previousHeartbeat: context.previousHeartbeat,
  });
}

/**
 * `--week-start`: that week. `week: previous`: the last complete week, every run (delivered
 * once, `already_delivered` after). The send-time schedule: the weeks due and not delivered,
 * oldest first — none before the next send time (`not_due`) unless --force-send, which re-sends
 * the latest due week.
 */
async function weeksToReport(options: WeeklyOptions, schedule: ScheduleInput): Promise<WeekWindow[]> {
  if (options.weekStart) return [weekWindow(options.weekStart)];
  const latest = latestDueWeek(options.schedule, schedule.now);
  if (options.schedule.mode === 'week_end') return [latest];
  const due = await undeliveredDueWeeks(schedule);
  if (due.length > 0) return due;
  return options.forceSend ? [latest] : [];
}

/**
 * Delivers the weeks oldest first, stopping at the first that fails (a newer week is never
 * delivered before an older one). A dry run builds only the newest, or with nothing due, a
 * preview of the next report.
 */
async function reportWeeks(
  run: WeekRunContext,
  weeks: readonly WeekWindow[],
  schedule: ScheduleInput,
  notes: RunNotes,
): Promise<WeekResult[]> {
  const newest = weeks.at(-1);
  const preview = newest === undefined;
  const handled = run.options.dryRunWebhook ? [newest ?? (await nextDue(schedule)).week] : weeks;
  const results: WeekResult[] = [];
  for (const week of handled) {
    let result: WeekResult;
    try {
      // A safe point before each week: what was delivered before is reported, not thrown away.
      run.context.checkpoint();
      result = run.options.dryRunWebhook
        ? await dryRunWeek(run, week, preview)
        : await deliverWeek(run, week);
    } catch (error) {
      if (!(error instanceof JobError)) throw error;
      notes.problems.push({ status: 'error', problem: weekFailure(error, week, results.length > 0) });
      break;
    }
    results.push(result);
    if (result.status === 'error') break;
  }
  return results;
}

/** A week that could not be built or delivered (missing input, interruption, …). */
function weekFailure(error: JobError, week: WeekWindow, afterOthers: boolean) {
  const stopped = afterOthers ? `; stopped before ${week.weekStart}, which the next run delivers` : '';
  return { ...error.details, error_code: error.code, error_message: `${error.message}${stopped}` };
}

/** Records in the history the deliveries the heartbeat kept; returns those still not recorded. */
async function recordKept(
  history: HistoryLocation,
  kept: readonly UnrecordedDelivery[],
  options: WeeklyOptions,
  context: JobContext,
  notes: RunNotes,
): Promise<UnrecordedDelivery[]> {
  if (kept.length === 0) return [];
  const recording = await recordKeptDeliveries(history, kept, context.jobId);
  notes.artefacts.push(...recording.artefacts);
  if (recording.recorded.length > 0) notes.diagnostics.history_recovered = recording.recorded;
  if (recording.remaining.length > 0) {
    const weeks = recording.remaining.map((entry) => entry.week_start).join(', ');
    notes.problems.push({
      status: 'warning',
      problem: historyWriteFailed(
        history,
        context.relativePath(options.heartbeatFile),
        recording.failure,
        `the delivery of ${weeks}, kept in the heartbeat, still cannot be recorded`,
      ),
    });
  }
  return recording.remaining;
}

/** A run killed between a delivery's signature and its manifest line: the newest delivery gets its line. */
async function completeLastRecord(run: WeekRunContext, notes: RunNotes): Promise<void> {
  const last = await run.ledger.lastDeliveredWeek();
  if (last === null) return;
  const state = await run.ledger.week(last);
  if (state.recordedIn !== 'history') return;
  const written = await recordMissedDelivery(run.history, last, state.revision, run.context.jobId);
  if (written.length === 0) return;
  notes.artefacts.push(...written);
  notes.diagnostics.history_recovered = [
    ...((notes.diagnostics.history_recovered as string[] | undefined) ?? []),
    `${last} revision ${state.revision} (its manifest line, lost when its run was killed)`,
  ];
}

/** Retention of the history, never the weeks of this run; the manifest is an artefact when it recorded deletions. */
async function applyRetention(
  run: WeekRunContext,
  weeks: readonly WeekWindow[],
  notes: RunNotes,
): Promise<void> {
  const deleted = await pruneHistory(run.history, {
    now: run.context.now,
    retentionDays: run.options.historyRetentionDays,
    keep: weeks.map((week) => week.weekStart),
    jobId: run.context.jobId,
  });
  if (deleted.length === 0) return;
  notes.artefacts.push(run.history.relative(manifestPath(run.history)));
  notes.diagnostics.history_deleted = deleted;
}

/**
 * Retention of --dry-run-dir (dry-run payloads, `<job_id>_invalid.json`), every run, dry runs
 * included; it never fails the run: what it could not delete is a warning and tried again next run.
 */
async function pruneDryRunFiles(run: WeekRunContext, notes: RunNotes): Promise<void> {
  const { options, context } = run;
  const manifestPath = context.resolvePath(options.retentionManifest);
  try {
    const deleted = await pruneJobFiles({
      dir: context.resolvePath(options.dryRunDir),
      days: options.dryRunRetentionDays,
      now: context.now,
      jobId: context.jobId,
      manifestPath,
      shown: context.relativePath,
      faultPointName: 'weekly:after-dry-run-retention-record',
    });
    if (deleted.length === 0) return;
    notes.artefacts.push(context.relativePath(manifestPath));
    notes.diagnostics.dry_run_files_deleted = deleted.length;
  } catch (error) {
    notes.problems.push({
      status: 'warning',
      problem: {
        error_code: UNCODED_WARNING,
        error_message: `retention of ${context.relativePath(context.resolvePath(options.dryRunDir))} did not finish: ${errorMessageOf(error)}`,
      },
    });
  }
}

/** A week reported by hand before its send time: its report covers only part of it. */
function noteWeekNotDue(weekStart: Date, options: WeeklyOptions, context: JobContext, notes: RunNotes): void {
  const due = sendTimeOf(options.schedule, weekWindow(weekStart));
  if (due.getTime() > context.now.getTime())
    notes.diagnostics.week_not_due = `the send time of this week, ${due.toISOString()}, has not passed: the report covers part of it`;
}
