import { isJsonObject } from '../json-fields.js';
import { runbookLink } from '../runbook-link.js';

/** One problem of a run, as stderr shows it. */
export interface Problem {
  code: string;
  message: string;
}

/** The code of a warning a job noted without a code of its own (obs-latency's `diagnostics.warnings`). */
export const UNCODED_WARNING = 'run_warning';

const oneLine = (text: unknown) => String(text ?? '').replace(/\s*\n\s*/g, ' ');

/**
 * Every problem a summary reports, root cause first: the error it superseded (a run whose log
 * could not be written after it failed), the alerts a run that ended warning raised (a latency
 * breach, before the `no_receiver` that says nobody was told of it), its error code, a corrupt
 * heartbeat or a sequence gap noted beside another code, and the warnings of a run that ended
 * warning or error. Other runs' alerts are report content (obs-weekly's week), not problems of
 * the run.
 */
export function problemsOf(summary: Record<string, unknown>): Problem[] {
  const diagnostics = isJsonObject(summary.diagnostics) ? summary.diagnostics : {};
  const problems: Problem[] = [];
  const add = (code: unknown, message: unknown) => {
    if (typeof code === 'string' && code !== '') problems.push({ code, message: oneLine(message) });
  };
  add(diagnostics.superseded_error_code, diagnostics.superseded_error_message);
  if (summary.status === 'warning') {
    for (const alert of Array.isArray(summary.alerts) ? summary.alerts : []) {
      if (isJsonObject(alert) && (alert.severity === 'warning' || alert.severity === 'critical')) {
        add(alert.id, `${alert.severity}: ${oneLine(alert.message)}`);
      }
    }
  }
  add(diagnostics.error_code, diagnostics.error_message);
  if (diagnostics.heartbeat_corrupt === true && diagnostics.error_code !== 'heartbeat_corrupt') {
    add('heartbeat_corrupt', 'the heartbeat was corrupt and was rewritten from this run');
  }
  const gap = isJsonObject(diagnostics.sequence_gap) ? diagnostics.sequence_gap : null;
  if (gap && diagnostics.error_code !== 'sequence_gap') {
    add(
      'sequence_gap',
      `the run log's sequence and the sequence file disagreed (${oneLine(gap.direction)}); numbering continued`,
    );
  }
  if (summary.status === 'warning' || summary.status === 'error') {
    for (const warning of Array.isArray(diagnostics.warnings) ? diagnostics.warnings : []) {
      if (typeof warning === 'string') add(UNCODED_WARNING, warning);
    }
  }
  return problems;
}

/** A message that already ends with the section to read, e.g. `(docs/migration.md#out-csv)`. */
const ENDS_WITH_DOC_LINK = /\(docs\/[\w./-]+\.md#[\w-]+\)$/;

/**
 * `obs-<job>: <error_code>: <message> (docs/runbook.md#<code>)`; a message that names its own
 * section of the docs (a refused flag of the earlier tooling) keeps that one link only.
 */
export function problemLine(binary: string, problem: Problem): string {
  const line = `${binary}: ${problem.code}: ${problem.message}`;
  return ENDS_WITH_DOC_LINK.test(problem.message) ? line : `${line} (${runbookLink(problem.code)})`;
}

/** Writes one stderr line per problem of the summary. */
export function reportProblems(
  binary: string,
  summary: Record<string, unknown>,
  write: (text: string) => void = (text) => process.stderr.write(text),
): void {
  const lines = problemsOf(summary).map((problem) => `${problemLine(binary, problem)}\n`);
  if (lines.length > 0) write(lines.join(''));
}
