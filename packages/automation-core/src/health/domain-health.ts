import type { JsonObjectRead } from '../json-object-file.js';
import {
  type DashboardBundleFacts,
  dashboardBundleFacts,
  type LatencyFacts,
  latencyFacts,
  type WeeklyFacts,
  weeklyFacts,
} from './domain-facts.js';

export type LatencyHealth = LatencyFacts;

export interface WeeklyHealth extends WeeklyFacts {
  /**
   * `next_due_at` passed more than the job's lateness ago (two chain periods: the run after the
   * send time should have delivered); a weekly job that has only run dry is never overdue
   */
  overdue: boolean;
}

export interface DashboardHealth extends DashboardBundleFacts {
  manifest: string;
  state: 'ok' | 'missing' | 'corrupt';
  problem: string | null;
  /** now minus the bundle's generated_at */
  age_seconds: number | null;
}

export function latencyHealth(read: JsonObjectRead): LatencyHealth | null {
  return read.kind === 'ok' ? latencyFacts(read.data) : null;
}

export function weeklyHealth(read: JsonObjectRead, now: Date, lateAfterSeconds: number): WeeklyHealth | null {
  if (read.kind !== 'ok') return null;
  const facts = weeklyFacts(read.data);
  const dueMs = facts.next_due_at ? Date.parse(facts.next_due_at) : null;
  // A deployment that has only rehearsed owes nothing yet; after any real run (a success or a
  // failure) a dry run does not hide an undelivered week.
  const onlyDryRuns =
    read.data.status === 'dry_run' &&
    facts.last_delivered_week_start === null &&
    (read.data.last_success_at ?? null) === null &&
    (read.data.last_failure ?? null) === null;
  return {
    ...facts,
    overdue: dueMs !== null && !onlyDryRuns && now.getTime() - dueMs > lateAfterSeconds * 1000,
  };
}

export function dashboardHealth(manifest: string, read: JsonObjectRead, now: Date): DashboardHealth {
  const facts =
    read.kind === 'ok'
      ? dashboardBundleFacts(read.data)
      : { sequence: null, generated_at: null, job_id: null, page: null };
  return {
    manifest,
    state: read.kind,
    problem: read.kind === 'corrupt' ? read.reason : null,
    ...facts,
    age_seconds: facts.generated_at
      ? Math.round((now.getTime() - Date.parse(facts.generated_at)) / 1000)
      : null,
  };
}
