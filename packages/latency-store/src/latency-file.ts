import { JobError } from '@obs-automation/core';

/** A latency data file: where it is, and how messages name it (root-relative, as users wrote it). */
export interface LatencyFile {
  path: string;
  label: string;
}

/** Where in a latency data file a problem is. */
export interface FileLocation {
  file: string;
  /** 1-based physical line */
  line?: number;
  column?: string;
}

/**
 * A latency data file that cannot be used: `invalid_input` naming the file, the line and the
 * column. obs-weekly and obs-dashboard report it as it is; obs-latency, whose own files these
 * are, reports it as `input_unreadable` (see its spec).
 */
export class LatencyFileError extends JobError {
  constructor(
    readonly location: FileLocation,
    /** what is wrong, without the location */
    readonly problem: string,
  ) {
    const where = location.line === undefined ? location.file : `${location.file}: line ${location.line}`;
    super('invalid_input', `${where}: ${problem}`, {
      file: location.file,
      ...(location.line !== undefined && { line: location.line }),
      ...(location.column !== undefined && { column: location.column }),
    });
    this.name = 'LatencyFileError';
  }
}
