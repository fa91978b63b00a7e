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

export function parseJsonInput(bytes: Buffer, shown: string, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw invalidInput(`${what} ${shown} is not valid JSON: ${errorMessageOf(error)}`, shown);
  }
}
