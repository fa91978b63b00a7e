import { FirstItems, REPORTED_LINES } from '../log/first-items.js';
import { type KpiRun, readEntry } from './kpi-run.js';
import type { RunLogItem } from './run-log-entries.js';
import type { SegmentKpiDigest } from './segment-kpi-digest.js';

/** A line that is not a run-log entry the KPIs can count, with why. */
export interface CorruptLine {
  line: number;
  /** the segment it is in; absent for the open log */
  file?: string;
  problem: string;
}

/** Sorts run-log lines into runs, sequence repairs and corrupt lines, counting the last two. */
export class LineKinds {
  readonly corrupt = new FirstItems<CorruptLine>(REPORTED_LINES);
  sequenceRepairs = 0;

  /** The run a line records, or null for a repair or a corrupt line (counted here). */
  runOf(item: RunLogItem): KpiRun | null {
    if (item.entry === null) {
      this.addCorrupt(item, item.problem);
      return null;
    }
    const read = readEntry(item.entry);
    if (read.kind === 'run') return read.run;
    if (read.kind === 'corrupt') this.addCorrupt(item, read.problem);
    else this.sequenceRepairs += 1;
    return null;
  }

  /** The repairs and corrupt lines of a segment taken from its digest. */
  addDigest({ sequenceRepairs, corrupt }: Pick<SegmentKpiDigest, 'sequenceRepairs' | 'corrupt'>): void {
    this.sequenceRepairs += sequenceRepairs;
    this.corrupt.addCounted(corrupt.examples, corrupt.count);
  }

  private addCorrupt({ line, file }: RunLogItem, problem: string): void {
    this.corrupt.add(file === undefined ? { line, problem } : { line, file, problem });
  }
}
