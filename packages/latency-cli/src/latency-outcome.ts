import { isoSeconds, type JobContext, type JobOutcome, MS_PER_MINUTE } from '@obs-automation/core';
import type { AlertStepResult } from './alerts/latency-alerts.js';
import type { LatencyOptions } from './latency-options.js';
import type { RawAnalysis } from './raw/raw-analysis.js';
import type { RunNotes } from './run-notes.js';

export interface RunResults {
  samplesWritten: number;
  analysis: RawAnalysis;
  alerts: AlertStepResult;
  /** raw file size after the run (0 when there is none) */
  rawSizeAfter: number;
}

/**
 * The run's status before its notifications: dry_run with --dry-run-alert; warning while an
 * alert is raised or something needed attention; ok otherwise. The notification step makes it
 * warning while notifications wait, and error when a latency alert could not be delivered.
 */
function statusOf(options: LatencyOptions, results: RunResults, notes: RunNotes): JobOutcome['status'] {
  if (options.dryRunAlert) return 'dry_run';
  const raised = results.alerts.condition.severity !== 'none';
  if (raised || notes.warnings.length > 0) return 'warning';
  return 'ok';
}

/** The summary fields, heartbeat fields and status of one run (spec steps 8 and 9). */
export function latencyOutcome(
  options: LatencyOptions,
  context: JobContext,
  results: RunResults,
  notes: RunNotes,
): JobOutcome {
  const { analysis, alerts } = results;
  const { pass, rotation, recomputed, rows, readBack } = analysis;
  const diagnostics: Record<string, unknown> = { ...notes.diagnostics };
  if (notes.warnings.length > 0) diagnostics.warnings = notes.warnings;
  const latest = alerts.condition.window;
  const latestWindow = {
    latest_window: latest ? isoSeconds(new Date(latest.startMs)) : null,
    latest_p95_ms: latest?.p95Ms ?? null,
    latest_failure_rate: latest?.failureRate ?? null,
  };
  const latestBreach = rows.findLast((row) => row.breachFlag);
  return {
    status: statusOf(options, results, notes),
    artefacts: [...notes.artefacts],
    alerts: alerts.logAlerts,
    events: alerts.events,
    diagnostics,
    summary: {
      window: options.window.text,
      samples_written: results.samplesWritten,
      samples_analyzed: (pass?.samples ?? 0) + readBack.samplesAdded,
      samples_retained: pass ? (rotation.rawReplaced ? pass.kept : pass.samples) : 0,
      samples_archived: rotation.entry?.row_count ?? 0,
      rows_rejected: pass?.rejected ?? 0,
      rollups_written: recomputed.length,
      rollups_total: rows.length,
      breach_count: recomputed.filter((row) => row.breachFlag).length,
      breach_streak: alerts.condition.streak,
      ...latestWindow,
      next_rotation_bytes: Math.max(0, options.maxRawBytes - results.rawSizeAfter),
      archived: rotation.entry ? 1 : 0,
    },
    heartbeat: {
      next_run_at: new Date(context.now.getTime() + options.scheduleMinutes * MS_PER_MINUTE).toISOString(),
      last_breach_at: latestBreach
        ? isoSeconds(new Date(latestBreach.endMs))
        : (context.previousHeartbeat?.last_breach_at ?? null),
      breach_streak: alerts.condition.streak,
      // the newest window, read against the SLO by obs-status
      ...latestWindow,
      // the SLO the rollup's breach flags were judged against, for readers such as the dashboard page
      slo: {
        p95_ms: options.alert.slo_p95_ms,
        failure_rate_threshold: options.alert.failure_rate_threshold,
        alert_config: context.relativePath(options.alertConfigPath),
      },
    },
  };
}
