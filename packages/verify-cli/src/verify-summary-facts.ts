import { isJsonObject, shownMessageOrNull, shownTextOrNull } from '@obs-automation/core';

const FAILURES_SHOWN = 5;

/** What an obs-verify run checked, for the human summary on a terminal. */
export function verifySummaryFacts(summary: Record<string, unknown>): string[] {
  const checks = (Array.isArray(summary.checks) ? summary.checks : []).filter(isJsonObject);
  if (checks.length === 0) return [];
  const count = (status: string) => checks.filter((check) => check.status === status).length;
  const facts = [
    `${checks.length} checks: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`,
  ];
  const failures = (Array.isArray(summary.failures) ? summary.failures : []).filter(isJsonObject);
  for (const failure of failures.slice(0, FAILURES_SHOWN)) {
    facts.push(
      `${shownTextOrNull(failure.check) ?? '?'}: ${shownTextOrNull(failure.error_code) ?? '?'}: ${shownMessageOrNull(failure.message, 200) ?? ''}`,
    );
  }
  if (failures.length > FAILURES_SHOWN)
    facts.push(`… and ${failures.length - FAILURES_SHOWN} more failures (--json lists them)`);
  return facts;
}
