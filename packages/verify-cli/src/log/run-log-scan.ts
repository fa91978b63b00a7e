import type { Validator } from '@obs-automation/core';
import { FirstItems, REPORTED_LINES } from './first-items.js';
import type { FileLine } from './line-reader.js';
import { classifyLogLine, type LineProblemKind } from './log-line-classifier.js';
import { SequenceTracker } from './sequence-tracker.js';

export interface LineIssue {
  line: number;
  /** the sealed segment holding the line; absent for the open log */
  file?: string;
  message: string;
}

export interface TracedEntry {
  line: number;
  file?: string;
  entry: Record<string, unknown>;
}

export interface RunLogScanOptions {
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

function isTraced(entry: Record<string, unknown>, jobId: string): boolean {
  return entry.job_id === jobId || entry.parent_job_id === jobId;
}

/**
 * One streaming pass over a run log's lines — sealed segments first, then the open log — with
 * line rules, sequence order across every boundary and the traced job's entries. The log is
 * append-only, so file order is time order: the --since window runs from the first entry logged
 * at or after --since to the end.
 */
export class RunLogScanner {
  private readonly problems: RunLogScan['problems'] = {
    too_long: new FirstItems(REPORTED_LINES),
    not_json: new FirstItems(REPORTED_LINES),
    schema_invalid: new FirstItems(REPORTED_LINES),
  };
  private readonly sequence = new SequenceTracker();
  private readonly traced: TracedEntry[] = [];
  private readonly sinceMs: number | undefined;
  private inWindow: boolean;
  private windowStartLine: number | null;
  private checkedLines = 0;
  private totalLines = 0;
  private lastSequence: number | null = null;
  private firstSequenceOfPart: number | null = null;

  constructor(private readonly options: RunLogScanOptions) {
    this.sinceMs = options.since?.getTime();
    this.inWindow = this.sinceMs === undefined;
    this.windowStartLine = this.inWindow ? 1 : null;
  }

  /** Judges one line, lines in file order; `file` names a sealed segment, undefined for the open log. */
  line(line: FileLine, file?: string): void {
    this.totalLines += 1;
    const { number } = line;
    const { entry, problems } = classifyLogLine(line, this.options.validate);
    const entrySequence = sequenceOf(entry);
    if (entrySequence !== null) {
      this.lastSequence = entrySequence;
      this.firstSequenceOfPart ??= entrySequence;
    }
    const { traceJobId } = this.options;
    if (traceJobId !== undefined && entry && isTraced(entry, traceJobId)) {
      // the whole entry, summary included (the line rules may have checked it without building it)
      const whole = JSON.parse(line.text as string) as Record<string, unknown>;
      this.traced.push(
        file === undefined ? { line: number, entry: whole } : { line: number, file, entry: whole },
      );
    }
    if (!this.inWindow && this.sinceMs !== undefined) {
      const at = loggedAtMs(entry);
      if (at === null || at < this.sinceMs) return;
      this.inWindow = true;
      this.windowStartLine = number;
    }
    this.checkedLines += 1;
    for (const problem of problems) {
      const issue = { line: number, message: problem.message };
      this.problems[problem.kind].add(file === undefined ? issue : { ...issue, file });
    }
    if (entrySequence !== null) this.sequence.observe(entrySequence, number, file);
  }

  /**
   * Only collects the traced job's entries from a line of a segment not checked again; a line
   * that cannot name the id is passed over before it is parsed.
   */
  traceOnly(line: FileLine, file?: string): void {
    const { traceJobId } = this.options;
    if (traceJobId === undefined || line.text === null || !line.text.includes(traceJobId)) return;
    try {
      const entry = JSON.parse(line.text) as Record<string, unknown> | null;
      if (entry && typeof entry === 'object' && isTraced(entry, traceJobId)) {
        this.traced.push(
          file === undefined ? { line: line.number, entry } : { line: line.number, file, entry },
        );
      }
    } catch {}
  }

  /** Takes a range of sequences as seen without reading it (verified before, or deleted by retention). */
  skip(first: number, last: number, file: string): void {
    this.sequence.observeRange(first, last, 1, file);
    this.lastSequence = last;
  }

  /**
   * Takes the open log's first `lines` lines as read without reading them: verified before and
   * still the same bytes. Their sequences `first..last` are judged at line 1 like a segment's.
   */
  skipOpenLogLines(lines: number, first: number | null, last: number | null): void {
    this.totalLines += lines;
    this.checkedLines += lines;
    if (first === null || last === null) return;
    this.sequence.observeRange(first, last, 1);
    this.lastSequence = last;
    this.firstSequenceOfPart ??= first;
  }

  /** Starts a part of the log (the open log after the segments): `firstSequenceInPart` is its first sequence. */
  beginPart(): void {
    this.firstSequenceOfPart = null;
  }

  get firstSequenceInPart(): number | null {
    return this.firstSequenceOfPart;
  }

  get lastSequenceSoFar(): number | null {
    return this.lastSequence;
  }

  get errorCount(): number {
    const { problems, sequence } = this;
    return (
      problems.too_long.count +
      problems.not_json.count +
      problems.schema_invalid.count +
      sequence.gaps.count +
      sequence.duplicates.count +
      sequence.outOfOrder.count
    );
  }

  result(): RunLogScan {
    return {
      totalLines: this.totalLines,
      checkedLines: this.checkedLines,
      windowStartLine: this.windowStartLine,
      problems: this.problems,
      sequence: this.sequence,
      lastSequence: this.lastSequence,
      traced: this.traced,
    };
  }
}
