import { isJsonObject, shownTextOrNull, UNCODED_WARNING } from '@obs-automation/core';

const chainJobs = (summary: Record<string, unknown>) =>
  (Array.isArray(summary.jobs) ? summary.jobs : []).filter(isJsonObject);

/** The full summaries of the chain's jobs, as its stdout document carries them. */
export function chainJobSummaries(summary: Record<string, unknown>): Record<string, unknown>[] {
  return chainJobs(summary).flatMap((job) => (isJsonObject(job.summary) ? [job.summary] : []));
}

/** One line per job of the chain, with its error code or its alerts, for the human summary on a terminal. */
export function dailySummaryFacts(summary: Record<string, unknown>): string[] {
  return chainJobs(summary).map((job) => {
    const child = isJsonObject(job.summary) ? job.summary : {};
    const diagnostics = isJsonObject(child.diagnostics) ? child.diagnostics : {};
    const alerts = (Array.isArray(child.alerts) ? child.alerts : []).filter(isJsonObject);
    const uncoded = Array.isArray(diagnostics.warnings) && diagnostics.warnings.length > 0;
    const code = shownTextOrNull(diagnostics.error_code) ?? (uncoded ? UNCODED_WARNING : null);
    const raised = alerts.map((alert) => `${shownTextOrNull(alert.severity)} ${shownTextOrNull(alert.id)}`);
    const detail = [code, ...raised].filter((item) => item !== null).join(', ');
    return `${(shownTextOrNull(job.job) ?? '?').padEnd(10)} ${(shownTextOrNull(job.status) ?? '?').padEnd(8)} ${detail}`.trimEnd();
  });
}
