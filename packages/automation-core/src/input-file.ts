import type { Readable } from 'node:stream';
import { openInputStream } from './bounded-file-read.js';
import type { FileKind } from './file-read-rules.js';
import type { JobContext } from './job-definition.js';

/** An input named both ways: absolute for reading, root-relative for messages and diagnostics. */
export interface InputFile {
  /** absolute path */
  path: string;
  /** root-relative path, used in messages, diagnostics and recorded sources */
  relative: string;
}

export type PathResolver = Pick<JobContext, 'resolvePath' | 'relativePath'>;

/** An input named by a root-relative (or absolute) path. */
export function inputFile(paths: PathResolver, path: string): InputFile {
  return { path: paths.resolvePath(path), relative: paths.relativePath(path) };
}

/**
 * Opens an input for streaming, without blocking and only if it is a regular file (see
 * openInputStream); null when it does not exist.
 */
export function openInputFile(file: InputFile, kind: FileKind = 'csv_input'): Promise<Readable | null> {
  return openInputStream(file.path, { kind, shown: file.relative });
}
