import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { errorMessageOf, JobError } from '@obs-automation/core';
import { invalidInput, missingInput } from './input-errors.js';

/** An input file a dataset was built from, named as it appears in manifests and messages. */
export interface InputFile {
  path: string;
  sha256: string;
}

/** Root-relative with `/` separators for files inside the workspace; absolute otherwise. */
export function displayPath(root: string, absolute: string): string {
  const inside = relative(root, absolute);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return absolute;
  return inside.split(sep).join('/');
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Reads a whole input file; a missing file is `missing_input`, any other failure `invalid_input`. */
export async function readInputFile(absolute: string, shown: string, what: string): Promise<Buffer> {
  try {
    return await readFile(absolute);
  } catch (error) {
    if (isMissing(error)) throw missingInput(`${what} ${shown} does not exist`, shown);
    throw invalidInput(`cannot read ${what} ${shown}: ${errorMessageOf(error)}`, shown);
  }
}

/** Like readInputFile, but a missing file is reported as null (optional inputs). */
export async function readOptionalInputFile(
  absolute: string,
  shown: string,
  what: string,
): Promise<Buffer | null> {
  try {
    return await readInputFile(absolute, shown, what);
  } catch (error) {
    if (error instanceof JobError && error.code === 'missing_input') return null;
    throw error;
  }
}

/** Requires an input folder to exist; returns nothing, throws missing_input / invalid_input. */
export async function requireInputDirectory(absolute: string, shown: string, what: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(absolute)).isDirectory();
  } catch (error) {
    if (isMissing(error)) throw missingInput(`${what} ${shown} does not exist`, shown);
    throw invalidInput(`cannot read ${what} ${shown}: ${errorMessageOf(error)}`, shown);
  }
  if (!isDirectory) throw invalidInput(`${what} ${shown} is not a folder`, shown);
}

/**
 * The line of a JSON syntax error: where the parser says it is, or the last line when the text
 * ended early (an empty or truncated file). An unexpected token comes without a position; the
 * parser's message quotes the text around it instead.
 */
function syntaxErrorLine(text: string, message: string): number | null {
  const position = /at position (\d+)/.exec(message)?.[1];
  const offset =
    position !== undefined
      ? Number(position)
      : message.startsWith('Unexpected end of JSON input')
        ? text.trimEnd().length
        : null;
  return offset === null ? null : text.slice(0, offset).split('\n').length;
}

/** A parser message's first line, cut short: it may quote the offending text. */
function firstLineOf(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export function parseJsonInput(bytes: Buffer, shown: string, what: string): unknown {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = errorMessageOf(error);
    const line = syntaxErrorLine(text, message);
    throw invalidInput(
      `${what} ${shown}${line === null ? '' : `:${line}`} is not valid JSON: ${firstLineOf(message)}`,
      shown,
      line === null ? {} : { line },
    );
  }
}
