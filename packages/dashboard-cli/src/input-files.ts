import { stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import {
  invalidInput,
  isMissingFile,
  missingInput,
  type PathResolver,
  parseJsonBounded,
  readBoundedFile,
  resolveAgainstRoot,
  unreadableInput,
} from '@obs-automation/core';

/** An input file a dataset was built from, named as it appears in manifests and messages. */
export interface HashedInput {
  path: string;
  sha256: string;
}

/** Root-relative with `/` separators for files inside the workspace; absolute otherwise. */
export function displayPath(root: string, absolute: string): string {
  const inside = relative(root, absolute);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return absolute;
  return inside.split(sep).join('/');
}

/** Paths resolved against the workspace root and shown as displayPath shows them. */
export function workspacePaths(root: string): PathResolver {
  return {
    resolvePath: (path) => resolveAgainstRoot(root, path),
    relativePath: (path) => displayPath(root, resolveAgainstRoot(root, path)),
  };
}

/** Root-relative with `/` separators, or null for a path outside the workspace. */
export function rootRelativeOrNull(root: string, absolute: string): string | null {
  const inside = relative(root, absolute);
  if (inside === '') return '.';
  if (inside.startsWith('..') || isAbsolute(inside)) return null;
  return inside.split(sep).join('/');
}

/**
 * Reads a whole JSON input (a regular file under the JSON-input cap, opened without blocking); a
 * missing file is `missing_input`, a FIFO, device, folder or oversized file `invalid_input`.
 */
export async function readInputFile(absolute: string, shown: string): Promise<Buffer> {
  const bytes = await readBoundedFile(absolute, { kind: 'json_input', shown, what: 'input' });
  if (bytes === null) throw missingInput([shown]);
  return bytes;
}

/** Requires an input folder to exist; returns nothing, throws missing_input / invalid_input. */
export async function requireInputDirectory(absolute: string, shown: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(absolute)).isDirectory();
  } catch (error) {
    if (isMissingFile(error)) throw missingInput([shown]);
    throw unreadableInput(shown, error);
  }
  if (!isDirectory) throw invalidInput({ file: shown }, 'is not a folder');
}

/** A JSON input parsed with the nesting cap; `invalid_input` naming the file, line and column otherwise. */
export function parseJsonInput(bytes: Buffer, shown: string): unknown {
  return parseJsonBounded(bytes, { what: 'input', file: shown });
}
