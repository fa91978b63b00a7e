import { MAX_LOG_LINE_BYTES } from '@obs-automation/core';
import type { FirstItems } from '../log/first-items.js';
import type { LineIssue, RunLogScan } from '../log/run-log-scan.js';
import { CheckBuilder, type CheckOutcome } from './check-outcome.js';

export const LOG_SCHEMA_CHECK = 'log_schema';
const SHOWN_MESSAGES = 3;

/** `12` for a line of the open log, `ops/automation_runs/…log.gz:12` for one of a sealed segment. */
function lineOf(issue: LineIssue): string {
  return issue.file === undefined ? String(issue.line) : `${issue.file}:${issue.line}`;
}

function lineList(issues: FirstItems<LineIssue>): string {
  const numbers = issues.items.map(lineOf).join(', ');
  return issues.count > issues.items.length ? `${numbers} (first ${issues.items.length})` : numbers;
}

function firstMessages(issues: FirstItems<LineIssue>): string {
  return issues.items
    .slice(0, SHOWN_MESSAGES)
    .map((issue) => `line ${lineOf(issue)}: ${issue.message}`)
    .join('; ');
}

function summarise(issues: FirstItems<LineIssue>): Record<string, unknown> {
  return {
    count: issues.count,
    lines: issues.items.map((issue) => issue.line),
    first_errors: issues.items.slice(0, SHOWN_MESSAGES),
  };
}

/** log_schema: every line parses, validates against the run schema and fits the line limit. */
export function logSchemaCheck(log: string, scan: RunLogScan | null): CheckOutcome {
  const check = new CheckBuilder(LOG_SCHEMA_CHECK);
  if (scan === null) {
    check.fail(
      'log_missing',
      `run log ${log} does not exist (obs-verify rebuild-log reconstructs it from the artefacts)`,
    );
    return check.done({ log, exists: false });
  }
  const { not_json: notJson, schema_invalid: invalid, too_long: tooLong } = scan.problems;
  if (notJson.count > 0) {
    check.fail(
      'log_schema_invalid',
      `${log}: ${notJson.count} line(s) are not JSON: lines ${lineList(notJson)}; ${firstMessages(notJson)}`,
    );
  }
  if (invalid.count > 0) {
    check.fail(
      'log_schema_invalid',
      `${log}: ${invalid.count} line(s) fail automation_run.schema.json: lines ${lineList(invalid)}; ${firstMessages(invalid)}`,
    );
  }
  if (tooLong.count > 0) {
    check.fail(
      'line_too_long',
      `${log}: ${tooLong.count} line(s) reach ${MAX_LOG_LINE_BYTES} bytes: lines ${lineList(tooLong)}`,
    );
  }
  return check.done({
    log,
    lines: scan.totalLines,
    checked_lines: scan.checkedLines,
    window_start_line: scan.windowStartLine,
    not_json: summarise(notJson),
    schema_invalid: summarise(invalid),
    too_long: summarise(tooLong),
  });
}
