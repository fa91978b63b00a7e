import { isJsonObject } from '../json-fields.js';
import { runbookLink } from '../runbook-link.js';
import { problemsOf } from './problem-lines.js';
import { cutToWidth, type TextStyle, toneOf } from './terminal-text.js';

/** A command's key facts for the human summary: what it found, one line each (see JobDefinition.describeSummary). */
export type SummaryDescriber = (summary: Record<string, unknown>) => string[];

/** The summaries of the jobs a run ran inside it (see JobDefinition.innerSummaries). */
export type InnerSummaries = (summary: Record<string, unknown>) => Record<string, unknown>[];

export interface HumanSummaryInput {
  binary: string;
  summary: Record<string, unknown>;
  describe?: SummaryDescriber;
  inner?: InnerSummaries;
  style: TextStyle;
  /** the terminal's width; lines are cut to it */
  width: number;
}

const LABEL_WIDTH = 9;
const ARTEFACTS_SHOWN = 4;

function labelled(style: TextStyle, label: string, lines: readonly string[], width: number): string[] {
  return lines.map((line, index) => {
    const prefix = `  ${(index === 0 ? label : '').padEnd(LABEL_WIDTH)}`;
    const text = cutToWidth(line, Math.max(20, width - prefix.length));
    return index === 0 ? `  ${style.dim(label.padEnd(LABEL_WIDTH))}${text}` : `${prefix}${text}`;
  });
}

function wroteLines(summary: Record<string, unknown>): string[] {
  const artefacts = (Array.isArray(summary.artefacts) ? summary.artefacts : []).filter(
    (item): item is string => typeof item === 'string',
  );
  if (artefacts.length === 0) return ['nothing'];
  const shown = artefacts.slice(0, ARTEFACTS_SHOWN);
  const more = artefacts.length - shown.length;
  return more > 0 ? [...shown, `… and ${more} more`] : shown;
}

/**
 * The runbook rows of the run's problems and of those of the jobs it ran inside it (each printed
 * its own on stderr), else what its status asks for.
 */
function nextLines(
  binary: string,
  summary: Record<string, unknown>,
  inner: InnerSummaries | undefined,
): string[] {
  const problems = [summary, ...(inner?.(summary) ?? [])].flatMap(problemsOf);
  if (problems.length > 0) {
    const codes = [...new Set(problems.map((problem) => problem.code))];
    const help = codes.includes('invalid_usage')
      ? [`${binary} --help lists every flag with its default`]
      : [];
    return [...codes.map((code) => `${code}: ${runbookLink(code)}`), ...help];
  }
  switch (summary.status) {
    case 'dry_run':
      return ['a rehearsal: nothing was sent or uploaded; without the dry-run flag it runs for real'];
    case 'skipped':
      return ['another run held the lock; the next scheduled run tries again'];
    default:
      return ['nothing to do'];
  }
}

/**
 * The short summary a person reads on a terminal: what ran (binary, status, job id, duration),
 * what it found (the command's key facts), what it wrote, what went wrong, and what to do next.
 * The JSON document has everything; `--json` prints it.
 */
export function renderHumanSummary(input: HumanSummaryInput): string {
  const { summary, style, width } = input;
  const status = typeof summary.status === 'string' ? summary.status : 'unknown';
  const duration = typeof summary.duration_ms === 'number' ? `${summary.duration_ms} ms` : '';
  const jobId = typeof summary.job_id === 'string' ? summary.job_id : '';
  const lines = [
    [
      style.bold(input.binary),
      style.bold(toneOf(style, status)(status)),
      style.dim(jobId),
      style.dim(duration),
    ]
      .filter((part) => part !== '')
      .join('  '),
  ];
  const found = input.describe?.(summary) ?? [];
  if (found.length > 0) lines.push(...labelled(style, 'found', found, width));
  const problems = problemsOf(summary).map((problem) => `${problem.code}: ${problem.message}`);
  if (problems.length > 0) lines.push(...labelled(style, 'problem', problems, width));
  lines.push(...labelled(style, 'wrote', wroteLines(summary), width));
  lines.push(...labelled(style, 'next', nextLines(input.binary, summary, input.inner), width));
  lines.push(style.dim(`  ${'details'.padEnd(LABEL_WIDTH)}--json prints the whole summary`));
  return `${lines.join('\n')}\n`;
}

/** The fields of a summary's `diagnostics`, for describers. */
export function diagnosticsOf(summary: Record<string, unknown>): Record<string, unknown> {
  return isJsonObject(summary.diagnostics) ? summary.diagnostics : {};
}
