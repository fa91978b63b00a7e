import type { JobOutcome } from '@obs-automation/core';
import type { NextDue } from './delivery-plan.js';
import { UNRECORDED_DELIVERIES_FIELD, type UnrecordedDelivery } from './unrecorded-deliveries.js';
import { type DeliveryFacts, NOT_SENT, type Problem, type WeekResult } from './week-report.js';
import type { WeekWindow } from './week-window.js';

type RunStatus = JobOutcome['status'];

/** A problem of the run beyond its weeks: a kept delivery the history still refuses, an interruption. */
export interface RunProblem {
  status: 'warning' | 'error';
  problem: Problem;
}

/** What the run did besides the weeks it reported: kept deliveries recorded, retention, notes. */
export interface RunNotes {
  artefacts: string[];
  diagnostics: Record<string, unknown>;
  problems: RunProblem[];
}

export interface WeeklyRunFacts {
  /** the weeks handled, oldest first; the last is the week the run reports */
  results: readonly WeekResult[];
  /** the weeks due at this run (a dry run builds only the newest) */
  weeks: readonly WeekWindow[];
  notes: RunNotes;
  dryRun: boolean;
  next: NextDue;
  lastDelivered: string | null;
  /** deliveries to keep in the heartbeat until the history takes them */
  unrecorded: readonly UnrecordedDelivery[];
  previousHeartbeat: Record<string, unknown> | null;
}

const SEVERITY: readonly RunStatus[] = ['ok', 'dry_run', 'warning', 'error'];

/**
 * The run's outcome: its status is the worst of its weeks and its own problems; the summary
 * describes the week it reports (the newest) with the schedule's next due time, and lists the
 * older weeks it caught up; the heartbeat carries the schedule and the kept deliveries.
 */
export function weeklyOutcome(run: WeeklyRunFacts): JobOutcome {
  const main = run.results.at(-1);
  const facts: DeliveryFacts = main?.facts ?? { ...NOT_SENT, reason: 'not_due' };
  const problems: RunProblem[] = [
    ...run.results.flatMap((result) =>
      result.problem
        ? [{ status: result.status === 'error' ? 'error' : 'warning', problem: result.problem } as RunProblem]
        : [],
    ),
    ...run.notes.problems,
  ];
  const headline = problems.find((item) => item.status === 'error') ?? problems[0];
  const statuses: RunStatus[] = [
    run.dryRun ? 'dry_run' : 'ok',
    ...run.results.map((result) => result.status),
    ...problems.map((item) => item.status),
  ];
  const status = statuses.reduce((worst, item) =>
    SEVERITY.indexOf(item) > SEVERITY.indexOf(worst) ? item : worst,
  );
  const attempted = run.results.filter((result) => result.facts.attempts > 0).at(-1);
  const schedule = {
    next_due_at: run.next.at.toISOString(),
    next_due_week_start: run.next.week.weekStart,
    last_delivered_week_start: run.lastDelivered,
  };
  const catchUp = catchUpList(run);
  return {
    status,
    artefacts: [...new Set([...run.results.flatMap((result) => result.artefacts), ...run.notes.artefacts])],
    alerts: main?.payload.alerts ?? [],
    attempts: run.results.reduce((sum, result) => sum + result.facts.attempts, 0),
    diagnostics: {
      ...main?.inputs,
      ...Object.assign({}, ...run.results.map((result) => result.notes)),
      ...run.notes.diagnostics,
      ...headline?.problem,
    },
    summary: {
      ...weekSummary(main, facts),
      ...schedule,
      ...(catchUp.length > 0 && { catch_up: catchUp }),
    },
    heartbeat: {
      last_webhook_status_code:
        attempted?.facts.webhookStatusCode ?? run.previousHeartbeat?.last_webhook_status_code ?? null,
      ...schedule,
      [UNRECORDED_DELIVERIES_FIELD]: run.unrecorded,
    },
  };
}

/** The spec's fields of the week reported (null where the run built no payload). */
function weekSummary(main: WeekResult | undefined, facts: DeliveryFacts): Record<string, unknown> {
  return {
    week_start: main?.payload.week_start ?? null,
    payload_checksum_sha256: main?.payload.payload_checksum_sha256 ?? null,
    payload_size_bytes: main?.sizeBytes ?? null,
    webhook_status_code: facts.webhookStatusCode,
    delivered: facts.delivered,
    ...(facts.reason && { reason: facts.reason }),
    ...(facts.webhookId && { webhook_id: facts.webhookId, revision: facts.revision }),
    runs_included: main?.payload.runs.length ?? null,
    latency_method: main?.payload.latency.method ?? null,
  };
}

/** The older weeks of a catch-up, oldest first (a dry run lists them without building them). */
function catchUpList(run: WeeklyRunFacts): Record<string, unknown>[] {
  if (run.dryRun)
    return run.weeks
      .slice(0, -1)
      .map((week) => ({ week_start: week.weekStart, delivered: false, reason: 'dry_run' }));
  return run.results.slice(0, -1).map((result) => ({
    week_start: result.week.weekStart,
    delivered: result.facts.delivered,
    ...(result.facts.webhookId && { webhook_id: result.facts.webhookId, revision: result.facts.revision }),
    payload_checksum_sha256: result.payload.payload_checksum_sha256,
    attempts: result.facts.attempts,
    webhook_status_code: result.facts.webhookStatusCode,
    runs_included: result.payload.runs.length,
    ...(result.problem && { error_code: result.problem.error_code }),
  }));
}
