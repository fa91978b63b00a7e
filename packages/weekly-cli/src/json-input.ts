import {
  type FileKind,
  formatIssuePath,
  type InputFile,
  invalidInput,
  parseJsonBounded,
  readBoundedText,
} from '@obs-automation/core';
import type * as z from 'zod';

/**
 * Reads a JSON input (a regular file under its kind's cap, opened without blocking, nesting
 * capped); null when the file does not exist. Anything else that keeps it from being used is
 * `invalid_input` naming the file, and the line and column of a syntax error — never its content.
 */
export async function readJsonInput(file: InputFile, kind: FileKind = 'json_input'): Promise<unknown | null> {
  const text = await readBoundedText(file.path, { kind, shown: file.relative, what: 'input' });
  if (text === null) return null;
  return parseJsonBounded(text, { what: 'input', file: file.relative });
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
