import { durationText, finiteOrNull, isJsonObject, minuteText, shownTextOrNull } from '@obs-automation/core';

const CODES_SHOWN = 5;

/** `verification_failed 3, missing_secret 1` from a count by code, largest first. */
function countsText(byCode: unknown): string | null {
  if (!isJsonObject(byCode)) return null;
  const counts = Object.entries(byCode)
    .flatMap(([code, count]) => (typeof count === 'number' && count > 0 ? [[code, count] as const] : []))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (counts.length === 0) return null;
  const shown = counts.slice(0, CODES_SHOWN).map(([code, count]) => `${shownTextOrNull(code, 64)} ${count}`);
  return `${shown.join(', ')}${counts.length > CODES_SHOWN ? `, … ${counts.length - CODES_SHOWN} more` : ''}`;
}

function recoveryText(recovery: Record<string, unknown>): string | null {
  const recoveries = finiteOrNull(recovery.recoveries) ?? 0;
  const mean = finiteOrNull(recovery.mean_seconds);
  const since = recovery.unrecovered_since;
  const parts = [
    ...(recoveries > 0 && mean !== null
      ? [`${recoveries} recovered, in ${durationText(mean)} on average`]
      : []),
    ...(typeof since === 'string' ? [`failing since ${minuteText(since)}`] : []),
  ];
  return parts.length > 0 ? `recovery: ${parts.join('; ')}` : null;
}

/** The period's headline figures, for the human summary on a terminal; the Markdown report has every table. */
export function kpiSummaryFacts(summary: Record<string, unknown>): string[] {
  const overall = isJsonObject(summary.overall) ? summary.overall : null;
  if (!overall) return [];
  const window = isJsonObject(summary.window) ? summary.window : {};
  const ratio = finiteOrNull(overall.success_ratio);
  const success = ratio === null ? 'no real run' : `${(ratio * 100).toFixed(1)} % real successes`;
  const breach = isJsonObject(overall.slo_breach) ? overall.slo_breach : {};
  const log = isJsonObject(summary.log) ? summary.log : {};
  const corrupt = finiteOrNull(log.corrupt_lines) ?? 0;
  const unusedDigests = Array.isArray(log.digest_problems) ? log.digest_problems.length : 0;
  const failures = countsText(overall.failures_by_code);
  const warnings = countsText(overall.warnings_by_code);
  const recovery = isJsonObject(overall.recovery) ? recoveryText(overall.recovery) : null;
  return [
    `${minuteText(window.from)} → ${minuteText(window.until)}: ${finiteOrNull(overall.runs) ?? 0} runs, ${success}`,
    ...(failures ? [`failures: ${failures}`] : []),
    ...(warnings ? [`warnings: ${warnings}`] : []),
    `SLO breach: ${finiteOrNull(breach.episodes) ?? 0} episode(s), ${finiteOrNull(breach.hours) ?? 0} h`,
    ...(recovery ? [recovery] : []),
    ...(corrupt > 0 ? [`${corrupt} corrupt log line(s), counted apart (the report lists them)`] : []),
    ...(unusedDigests > 0
      ? [`${unusedDigests} KPI digest(s) unusable, segments read instead; nightly obs-verify rewrites them`]
      : []),
  ];
}
