import { runbookLink } from '../runbook-link.js';
import { ageText, durationText } from './age-text.js';
import type { DashboardHealth, LatencyHealth, WeeklyHealth } from './domain-health.js';
import type { JobHealth } from './job-health.js';
import { freshnessProblem } from './job-judgement.js';
import type { RunLogHealth } from './run-log-health.js';

/** Something that needs a person: what, for which job, and what to do (the runbook has the rest). */
export interface HealthFinding {
  severity: 'critical' | 'warning';
  /** the error code or condition; the runbook anchor is the same */
  code: string;
  /** the job concerned; null for the workspace */
  job: string | null;
  message: string;
  /** the next step, in one sentence */
  action: string;
  runbook: string;
}

/** Skipped this many runs in a row: a single held lock is normal, a series is a hung run. */
export const REPEATED_SKIPS = 3;

function finding(
  severity: HealthFinding['severity'],
  code: string,
  job: string | null,
  message: string,
  action: string,
): HealthFinding {
  return { severity, code, job, message, action, runbook: runbookLink(code) };
}

/** How to run the job again: obs-verify alone, every other job through the chain that schedules it. */
function rerun(job: JobHealth): string {
  return job.job === 'verify' ? './bin/obs-verify' : './bin/obs-daily --observability';
}

/** ` (last run: skipped 5m ago)` for a job whose newest run was no real success. */
function lastRunText(job: JobHealth): string {
  return job.last_run
    ? ` (last run: ${job.last_run.status ?? 'unknown'} ${ageText(job.last_run.age_seconds)})`
    : '';
}

function successText(job: JobHealth): string {
  return job.last_success
    ? `last real success ${ageText(job.last_success.age_seconds)}`
    : 'no real success yet';
}

function failureFinding(job: JobHealth): HealthFinding {
  const error = job.last_error;
  const code = error?.code ?? 'internal_error';
  const streak =
    job.consecutive_failures > 1
      ? `${job.consecutive_failures}${job.streaks_complete ? '' : '+'} runs in a row`
      : 'its last run';
  return finding(
    'critical',
    code,
    job.job,
    `${job.binary} failed ${streak}${error?.message ? `: ${error.message}` : ''} (${successText(job)})`,
    `fix it, then run ${rerun(job)}`,
  );
}

function freshnessFinding(job: JobHealth): HealthFinding | null {
  const problem = freshnessProblem({
    freshness: job.freshness,
    successAgeSeconds: job.last_success?.age_seconds ?? null,
    dryRunOnly: job.dry_run_only,
    lastRunFailed: job.last_run_failed,
  });
  const age = job.last_success ? durationText(job.last_success.age_seconds) : '';
  switch (problem) {
    case null:
      return null;
    case 'heartbeat_dry_run_only':
      return finding(
        'critical',
        problem,
        job.job,
        `${job.binary} has only ever dry-run (last ${job.last_dry_run_at ?? 'unknown'}): nothing was sent or uploaded for real`,
        `run it for real, without --dry-run: ${rerun(job)}`,
      );
    case 'heartbeat_never_succeeded':
      return finding(
        'critical',
        problem,
        job.job,
        `${job.binary} has no real success on record${lastRunText(job)}`,
        `check its schedule (${job.schedule.description}); run ${rerun(job)}`,
      );
    case 'heartbeat_late':
      return finding(
        'warning',
        problem,
        job.job,
        `${job.binary} last succeeded ${age} ago: late after ${durationText(job.schedule.late_after_seconds)} (${job.schedule.description})`,
        'check the scheduler: crontab -l, systemctl list-timers, kubectl get cronjob',
      );
    case 'heartbeat_stale':
      return finding(
        'critical',
        problem,
        job.job,
        `${job.binary} last succeeded ${age} ago: stale after ${durationText(job.schedule.stale_after_seconds)}`,
        'the scheduler stopped or every run fails: check both',
      );
    case 'clock_skew':
      return finding(
        'critical',
        problem,
        job.job,
        `${job.binary}'s last success (${job.last_success?.at}) lies ${age} ahead of the clock`,
        'fix the clock (NTP) of the host that ran it, or the --now given',
      );
  }
}

/** The findings of one job, worst first; a failure says why the job is not fresh, so it replaces that finding. */
export function jobFindings(job: JobHealth): HealthFinding[] {
  const findings: HealthFinding[] = [];
  if (job.last_run_failed) findings.push(failureFinding(job));
  else {
    const fresh = freshnessFinding(job);
    if (fresh) findings.push(fresh);
  }
  if (job.heartbeat.problem !== null) {
    findings.push(
      finding(
        'warning',
        'heartbeat_corrupt',
        job.job,
        `heartbeat ${job.heartbeat.file} is unreadable: ${job.heartbeat.problem}`,
        'the next run rewrites it; if it recurs, find what edits it',
      ),
    );
  }
  if (job.consecutive_skips >= REPEATED_SKIPS) {
    findings.push(
      finding(
        'warning',
        'job_skipped_repeatedly',
        job.job,
        `${job.binary} was skipped ${job.consecutive_skips}${job.streaks_complete ? '' : '+'} runs in a row`,
        'look for a hung run holding its lock, or a failing upstream job',
      ),
    );
  }
  if ((job.pending_notifications ?? 0) > 0) {
    findings.push(
      finding(
        'warning',
        'notifications_pending',
        job.job,
        `${job.binary} holds ${job.pending_notifications} notification(s) no receiver has accepted yet`,
        'check the receivers and their variables; the next run retries',
      ),
    );
  }
  return findings;
}

/**
 * The problem a job's newest real run ended `warning` with, unless another finding already has
 * its code (the run log's own `sequence_gap`, a corrupt heartbeat read now): the run did its work
 * but something needs a look before it recurs.
 */
export function lastWarningFindings(
  jobs: readonly JobHealth[],
  others: readonly HealthFinding[],
): HealthFinding[] {
  const known = new Set(others.map((item) => item.code));
  return jobs.flatMap((job) => {
    const warning = job.last_warning;
    if (!warning || known.has(warning.code)) return [];
    const age = job.last_run ? ` ${ageText(job.last_run.age_seconds)}` : '';
    return [
      finding(
        'warning',
        warning.code,
        job.job,
        `${job.binary}'s last run (${warning.job_id ?? 'unknown'}) ended warning${age}${warning.message ? `: ${warning.message}` : ''}`,
        'the run did its work; fix what the message names (the runbook row says how) before it recurs',
      ),
    ];
  });
}

export function latencyFindings(latency: LatencyHealth): HealthFinding[] {
  const { alert } = latency;
  if (alert.severity !== 'warning' && alert.severity !== 'critical') return [];
  const p95 =
    latency.latest.p95_ms !== null && latency.slo
      ? `: p95 ${latency.latest.p95_ms} ms against the SLO of ${latency.slo.p95_ms} ms`
      : '';
  const code = alert.alert_id ?? 'latency_breach';
  return [
    finding(
      alert.severity,
      code,
      'latency',
      `latency alert ${alert.severity} since ${alert.since ?? 'unknown'}${p95}${latency.breach_streak ? `, ${latency.breach_streak} window(s) in a row` : ''}`,
      'check the signal path (router, broker API, signal bus); it resolves when p95 is back under the SLO',
    ),
  ];
}

export function weeklyFindings(weekly: WeeklyHealth): HealthFinding[] {
  if (!weekly.overdue) return [];
  return [
    finding(
      'warning',
      'weekly_overdue',
      'weekly',
      `the weekly report of ${weekly.next_due_week_start ?? 'the week due'} was due at ${weekly.next_due_at} and is not delivered (last delivered week: ${weekly.last_delivered_week_start ?? 'none'})`,
      "fix obs-weekly's last error; the next chain run delivers it",
    ),
  ];
}

export function dashboardFindings(dashboard: DashboardHealth): HealthFinding[] {
  if (dashboard.state !== 'corrupt') return [];
  return [
    finding(
      'warning',
      'manifest_unreadable',
      'dashboard',
      `dashboard manifest ${dashboard.manifest} is unreadable: ${dashboard.problem}`,
      'run ./bin/obs-verify bundle, then ./bin/obs-dashboard to write a new bundle',
    ),
  ];
}

export function runLogFindings(log: RunLogHealth): HealthFinding[] {
  const findings: HealthFinding[] = [];
  if (log.state === 'unreadable') {
    findings.push(
      finding(
        'critical',
        'run_log_unreadable',
        null,
        `run log ${log.problem}`,
        'restore a regular file there (runbook: recovering a lost or corrupt run log)',
      ),
    );
  }
  const jumps = log.jumps.map((jump) => `${jump.after} → ${jump.next}`);
  if (log.sequence_file_agrees === false) {
    jumps.push(
      `log ${log.last_sequence}, ${log.sequence_file.file} ${log.sequence_file.value ?? 'unreadable'}`,
    );
  }
  if (jumps.length > 0) {
    findings.push(
      finding(
        'warning',
        'sequence_gap',
        null,
        `run log sequence does not continue by one: ${jumps.slice(0, 5).join('; ')}${jumps.length > 5 ? ` (+${jumps.length - 5})` : ''}`,
        'run ./bin/obs-verify; rebuild the log if lines were lost',
      ),
    );
  }
  if (log.unreadable_lines > 0) {
    findings.push(
      finding(
        'warning',
        'run_log_corrupt',
        null,
        `${log.unreadable_lines} line(s) near the end of the run log are not JSON objects`,
        'run ./bin/obs-verify to list them; rebuild the log if needed',
      ),
    );
  }
  return findings;
}

/** Nothing has run here: the workspace has no heartbeat and no run log. */
export function emptyWorkspaceFinding(root: string): HealthFinding {
  return finding(
    'critical',
    'no_runs_recorded',
    null,
    `no job has run in ${root}: no heartbeat and no run log`,
    'check --root (or OBS_ROOT); the first ./bin/obs-daily --observability creates them',
  );
}

const SEVERITY_ORDER = { critical: 0, warning: 1 } as const;

export function byUrgency(findings: HealthFinding[]): HealthFinding[] {
  return findings
    .map((item, index) => ({ item, index }))
    .sort((a, b) => SEVERITY_ORDER[a.item.severity] - SEVERITY_ORDER[b.item.severity] || a.index - b.index)
    .map(({ item }) => item);
}
