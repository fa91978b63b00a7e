import type { Validator } from '@obs-automation/core';
import { FirstItems, REPORTED_LINES } from './first-items.js';
import { forEachLine } from './line-reader.js';
import { classifyLogLine, type LineProblemKind } from './log-line-classifier.js';
import { SequenceTracker } from './sequence-tracker.js';

export interface LineIssue {
  line: number;
  message: string;
}

export interface TracedEntry {
  line: number;
  entry: Record<string, unknown>;
}

export interface RunLogScanOptions {
  endOffset: number;
  validate: Validator;
  /** check only from the first entry logged at or after this instant to the end */
  since?: Date;
  /** collect the entries whose job_id or parent_job_id is this id (from the whole log) */
  traceJobId?: string;
}

export interface RunLogScan {
  totalLines: number;
  /** lines from the start of the --since window to the end */
  checkedLines: number;
  /** first line of the --since window; null when no entry is in it */
  windowStartLine: number | null;
  problems: Record<LineProblemKind, FirstItems<LineIssue>>;
  /** sequences within the window */
  sequence: SequenceTracker;
  /** the last sequence of the whole log */
  lastSequence: number | null;
  traced: TracedEntry[];
}

function sequenceOf(entry: Record<string, unknown> | null): number | null {
  const value = entry?.sequence;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : null;
}

function loggedAtMs(entry: Record<string, unknown> | null): number | null {
  const value = entry?.logged_at;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * One streaming pass over the first `endOffset` bytes of a run log: line rules, sequence order,
 * and the traced job's entries. The log is append-only, so file order is time order: the --since
 * window runs from the first entry logged at or after --since to the end of the file.
 */
export async function scanRunLog(logFile: string, options: RunLogScanOptions): Promise<RunLogScan> {
  const problems: RunLogScan['problems'] = {
    too_long: new FirstItems(REPORTED_LINES),
    not_json: new FirstItems(REPORTED_LINES),
    schema_invalid: new FirstItems(REPORTED_LINES),
  };
  const sequence = new SequenceTracker();
  const traced: TracedEntry[] = [];
  const sinceMs = options.since?.getTime();
  let inWindow = sinceMs === undefined;
  let windowStartLine: number | null = inWindow ? 1 : null;
  let checkedLines = 0;
  let lastSequence: number | null = null;

  const totalLines = await forEachLine(logFile, { endOffset: options.endOffset }, (line) => {
    const { entry, problems: lineProblems } = classifyLogLine(line, options.validate);
    const entrySequence = sequenceOf(entry);
    if (entrySequence !== null) lastSequence = entrySequence;
    if (
      options.traceJobId !== undefined &&
      entry &&
      (entry.job_id === options.traceJobId || entry.parent_job_id === options.traceJobId)
    ) {
      traced.push({ line: line.number, entry });
    }
    if (!inWindow && sinceMs !== undefined) {
      const at = loggedAtMs(entry);
      if (at === null || at < sinceMs) return;
      inWindow = true;
      windowStartLine = line.number;
    }
    checkedLines += 1;
    for (const problem of lineProblems)
      problems[problem.kind].add({ line: line.number, message: problem.message });
    if (entrySequence !== null) sequence.observe(entrySequence, line.number);
  });
  return { totalLines, checkedLines, windowStartLine, problems, sequence, lastSequence, traced };
}
