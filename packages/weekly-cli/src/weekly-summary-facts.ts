import { finiteOrNull, shownTextOrNull } from '@obs-automation/core';

const NOT_DELIVERED: Readonly<Record<string, string>> = {
  already_delivered: 'already delivered: each week goes out once (--force-send sends it again)',
  dry_run: 'not sent: a dry run (the payload is in the file below)',
  not_due: 'nothing due: the next report goes out at its send time',
  preview: 'nothing due: a preview of the next report (the file below)',
};

/** What an obs-weekly run found, for the human summary on a terminal. */
export function weeklySummaryFacts(summary: Record<string, unknown>): string[] {
  const facts: string[] = [];
  const week = shownTextOrNull(summary.week_start);
  if (week !== null) facts.push(`week of ${week}: ${finiteOrNull(summary.runs_included) ?? 0} runs included`);
  const code = finiteOrNull(summary.webhook_status_code);
  const reason = shownTextOrNull(summary.reason);
  if (summary.delivered === true) facts.push(`delivered (HTTP ${code ?? '?'})`);
  else if (reason !== null) facts.push(NOT_DELIVERED[reason] ?? `not delivered: ${reason}`);
  const nextDue = shownTextOrNull(summary.next_due_at);
  if (nextDue !== null) {
    facts.push(`next due: the week of ${shownTextOrNull(summary.next_due_week_start) ?? '?'}, at ${nextDue}`);
  }
  const last = shownTextOrNull(summary.last_delivered_week_start);
  if (last !== null) facts.push(`last delivered: the week of ${last}`);
  return facts;
}
