import { finiteOrNull, isJsonObject, shownTextOrNull } from '@obs-automation/core';

/** What an obs-latency run found, for the human summary on a terminal. */
export function latencySummaryFacts(summary: Record<string, unknown>): string[] {
  const facts: string[] = [];
  const p95 = finiteOrNull(summary.latest_p95_ms);
  const window = shownTextOrNull(summary.latest_window);
  if (p95 !== null) facts.push(`p95 ${p95} ms in the newest window (${window ?? 'unknown'})`);
  facts.push(
    `${finiteOrNull(summary.samples_analyzed) ?? 0} samples analysed, ${finiteOrNull(summary.rows_rejected) ?? 0} rejected, ${finiteOrNull(summary.rollups_written) ?? 0} rollup windows written`,
  );
  const alert = isJsonObject(summary.alert_state) ? summary.alert_state : {};
  const severity = shownTextOrNull(alert.severity) ?? 'none';
  const streak = finiteOrNull(summary.breach_streak) ?? 0;
  facts.push(
    severity === 'none'
      ? `no alert raised (breach streak ${streak})`
      : `alert ${shownTextOrNull(alert.alert_id) ?? ''} ${severity} since ${shownTextOrNull(alert.since) ?? 'unknown'} (breach streak ${streak})`,
  );
  const pending = finiteOrNull(summary.pending_alerts) ?? 0;
  if (pending > 0) facts.push(`${pending} notification(s) pending, retried on the next run`);
  return facts;
}

/** What `obs-latency record` wrote, for the human summary on a terminal. */
export function recordSummaryFacts(summary: Record<string, unknown>): string[] {
  return [
    `${finiteOrNull(summary.samples_written) ?? 0} samples written, ${finiteOrNull(summary.rows_rejected) ?? 0} rejected`,
  ];
}

/** What `obs-latency compact-archives` folded, for the human summary on a terminal. */
export function compactSummaryFacts(summary: Record<string, unknown>): string[] {
  const verb = summary.dry_run === true ? 'would fold' : 'folded';
  return [
    `${verb} ${finiteOrNull(summary.archives_folded) ?? 0} per-run archive(s), ${finiteOrNull(summary.samples_folded) ?? 0} samples, into ${finiteOrNull(summary.day_archives_written) ?? 0} day archive(s)`,
    `${finiteOrNull(summary.archives_before) ?? 0} archives before, ${finiteOrNull(summary.archives_after) ?? 0} after`,
  ];
}
