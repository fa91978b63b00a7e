import { readFile } from 'node:fs/promises';
import {
  formatIssuePath,
  type InputFile,
  invalidInput,
  isMissingFile,
  shortened,
  unreadableInput,
} from '@obs-automation/core';
import type { z } from 'zod';

/** Reads a JSON input; null when the file does not exist. A syntax error names the line. */
export async function readJsonInput(file: InputFile): Promise<unknown | null> {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch (error) {
    if (isMissingFile(error)) return null;
    throw unreadableInput(file.relative, error);
  }
  const source = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(source) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    throw invalidInput(
      { file: file.relative, line: syntaxErrorLine(source, message) },
      `invalid JSON: ${shortened(message)}`,
    );
  }
}

/**
 * The line of a JSON syntax error: where the parser says it is, or the last line when the text
 * ended early (an empty or truncated file). Errors about an unexpected token carry no position;
 * their message quotes the text around it instead.
 */
function syntaxErrorLine(source: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return lineAt(source, Number(position));
  if (message.startsWith('Unexpected end of JSON input')) return lineAt(source, source.trimEnd().length);
  return undefined;
}

/** Validates a parsed document's shape; the first problem is reported with its key path. */
export function parseShape<S extends z.ZodType>(schema: S, value: unknown, file: InputFile): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidInput(
    { file: file.relative, key: issue ? formatIssuePath(issue.path) : '(top level)' },
    issue?.message ?? 'unexpected shape',
  );
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 0x0a) line++;
  }
  return line;
}
