import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import {
  invalidInput,
  isMissingFile,
  missingInput,
  type PathResolver,
  resolveAgainstRoot,
  shortened,
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

/** Reads a whole input file; a missing file is `missing_input`, any other failure `invalid_input`. */
export async function readInputFile(absolute: string, shown: string): Promise<Buffer> {
  try {
    return await readFile(absolute);
  } catch (error) {
    if (isMissingFile(error)) throw missingInput([shown]);
    throw unreadableInput(shown, error);
  }
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

/**
 * The line of a JSON syntax error: where the parser says it is, or the last line when the text
 * ended early (an empty or truncated file). An unexpected token comes without a position; the
 * parser's message quotes the text around it instead.
 */
function syntaxErrorLine(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message)?.[1];
  const offset =
    position !== undefined
      ? Number(position)
      : message.startsWith('Unexpected end of JSON input')
        ? text.trimEnd().length
        : undefined;
  return offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
}

export function parseJsonInput(bytes: Buffer, shown: string): unknown {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw invalidInput(
      { file: shown, line: syntaxErrorLine(text, message) },
      `not valid JSON: ${shortened(message)}`,
    );
  }
}
