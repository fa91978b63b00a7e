import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { isMissingFile, unreadableInput } from './input-errors.js';
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

/** Opens an input for streaming; null when it does not exist, `invalid_input` when it cannot be read. */
export async function openInputStream(file: InputFile): Promise<Readable | null> {
  try {
    const handle = await open(file.path, 'r');
    return handle.createReadStream();
  } catch (error) {
    if (isMissingFile(error)) return null;
    throw unreadableInput(file.relative, error);
  }
}
