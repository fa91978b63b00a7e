import type { JobStatus } from '@obs-automation/core';
import { DurationCounts } from './duration-counts.js';
import type { DeliveryChannel } from './entry-deliveries.js';
import type { KpiRun } from './kpi-run.js';

export interface DeliveryTotals {
  deliveries: number;
  attempts: number;
  retries: number;
  failed: number;
}

export interface StatusCounts {
  ok: number;
  warning: number;
  error: number;
  dry_run: number;
  skipped: number;
}

export const CHANNELS: readonly DeliveryChannel[] = ['webhook', 'email', 'upload'];
export const STATUS_NAMES: readonly JobStatus[] = ['ok', 'warning', 'error', 'dry_run', 'skipped'];
export const DELIVERY_FIELDS = ['deliveries', 'attempts', 'retries', 'failed'] as const;

export const isRealSuccess = (status: JobStatus) => status === 'ok' || status === 'warning';

function emptyStatuses(): StatusCounts {
  return { ok: 0, warning: 0, error: 0, dry_run: 0, skipped: 0 };
}

function emptyDeliveries(): Record<DeliveryChannel, DeliveryTotals> {
  return Object.fromEntries(
    CHANNELS.map((channel) => [channel, { deliveries: 0, attempts: 0, retries: 0, failed: 0 }]),
  ) as Record<DeliveryChannel, DeliveryTotals>;
}

function increment(counts: Map<string, number>, key: string, times = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + times);
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [key, count] of from) increment(into, key, count);
}

/**
 * What a job's runs add up to whatever their order: statuses, codes, durations, deliveries.
 * Counts of two stretches of the log merge into the counts of both.
 */
export class RunCounts {
  runs = 0;
  readonly statuses = emptyStatuses();
  readonly failures = new Map<string, number>();
  readonly warnings = new Map<string, number>();
  readonly skips = new Map<string, number>();
  readonly durations = new DurationCounts();
  readonly deliveries = emptyDeliveries();

  add(run: KpiRun): void {
    this.runs += 1;
    this.statuses[run.status] += 1;
    if (run.status === 'error') increment(this.failures, run.errorCode ?? 'unknown');
    else if (run.status === 'skipped') increment(this.skips, run.errorCode ?? 'unknown');
    else if (run.warningCode !== null && isRealSuccess(run.status)) increment(this.warnings, run.warningCode);
    if (run.status !== 'skipped' && run.durationMs !== null) this.durations.add(run.durationMs);
    for (const delivery of run.deliveries) {
      const totals = this.deliveries[delivery.channel];
      totals.deliveries += 1;
      totals.attempts += delivery.attempts;
      totals.retries += delivery.retries;
      if (delivery.failed) totals.failed += 1;
    }
  }

  merge(other: RunCounts): void {
    this.runs += other.runs;
    for (const status of STATUS_NAMES) this.statuses[status] += other.statuses[status];
    addCounts(this.failures, other.failures);
    addCounts(this.warnings, other.warnings);
    addCounts(this.skips, other.skips);
    for (const [value, times] of other.durations.entries()) this.durations.add(value, times);
    for (const channel of CHANNELS) {
      for (const field of DELIVERY_FIELDS)
        this.deliveries[channel][field] += other.deliveries[channel][field];
    }
  }
}
