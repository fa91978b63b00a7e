import { type InnerSummaries, renderHumanSummary, type SummaryDescriber } from './human-summary.js';
import { chooseOutput, type OutputFlags } from './output-mode.js';
import { type TextStyle, textStyle } from './terminal-text.js';

/** The whole human form of a command whose result is not a run (obs-status's table). */
export type TerminalRenderer = (summary: Record<string, unknown>, style: TextStyle, width: number) => string;

/** How the process that owns stdout shows one command's result (see printResult). */
export interface Presentation {
  /** the binary, for the human form's first line */
  binary: string;
  output: OutputFlags;
  describe?: SummaryDescriber;
  inner?: InnerSummaries;
  render?: TerminalRenderer;
  /** a document that is indented JSON whatever the output (`--config-dump`, for diff) */
  document?: boolean;
  /** the command already wrote to stdout itself (`obs-status --watch`) */
  shown?: boolean;
}

export interface StdoutTarget {
  isTTY?: boolean;
  columns?: number;
}

/** A terminal narrower than this still gets lines of this width (it wraps them). */
const MIN_WIDTH = 60;
const DEFAULT_WIDTH = 100;

/** The width human output is fitted to: the terminal's (100 when it does not say), at least 60. */
export function terminalWidth(stdout: StdoutTarget): number {
  return Math.max(MIN_WIDTH, stdout.columns || DEFAULT_WIDTH);
}

/** The summary as JSON: one line (cron, CI, pipes, the journal), or indented. */
export function summaryText(summary: Record<string, unknown>, pretty = false): string {
  return `${pretty ? JSON.stringify(summary, null, 2) : JSON.stringify(summary)}\n`;
}

/**
 * What stdout shows of a result: on a terminal without `--json`, the human form (the command's
 * own renderer, else the summary layout with its key facts); else the JSON document, on one
 * line unless `--pretty`.
 */
export function resultText(
  summary: Record<string, unknown>,
  presentation: Partial<Presentation> | undefined,
  stdout: StdoutTarget,
  env: NodeJS.ProcessEnv,
): string {
  if (presentation?.document) return summaryText(summary, true);
  const output = presentation?.output ?? { json: false, pretty: false, noColor: false };
  const choice = chooseOutput(output, stdout.isTTY === true, env);
  if (choice.form === 'json') return summaryText(summary, choice.pretty);
  const style = textStyle(choice.color);
  const width = terminalWidth(stdout);
  // A command's own form is for its results; its failures read like every other command's.
  if (presentation?.render && summary.status !== 'error') return presentation.render(summary, style, width);
  return renderHumanSummary({
    binary: presentation?.binary ?? 'obs',
    summary,
    ...(presentation?.describe ? { describe: presentation.describe } : {}),
    ...(presentation?.inner ? { inner: presentation.inner } : {}),
    style,
    width,
  });
}
