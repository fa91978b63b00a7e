import { JobError } from '@obs-automation/core';

/** How many offending lines a diagnostic lists (with the total count beside them). */
export const DIAGNOSTIC_LINES_SHOWN = 10;

/** How much of an offending value a message quotes: enough to recognise it, never a whole 10 MB line. */
const QUOTED_CHARACTERS = 60;

/** A value as a message quotes it: JSON-escaped and cut short. */
export function quoted(value: string): string {
  return JSON.stringify(
    value.length > QUOTED_CHARACTERS
      ? `${value.slice(0, QUOTED_CHARACTERS)}… (${value.length} characters)`
      : value,
  );
}

/** A parser's own message, cut short: some quote the whole offending field. */
export function shortened(message: string, maxCharacters = 200): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > maxCharacters ? `${line.slice(0, maxCharacters)}…` : line;
}

/** `missing_input`: required inputs that do not exist; `diagnostics.missing` lists them. */
export function missingInput(paths: readonly string[]): JobError {
  const list = paths.join(', ');
  return new JobError('missing_input', `required input${paths.length === 1 ? '' : 's'} missing: ${list}`, {
    missing: [...paths],
  });
}

export interface InputLocation {
  /** root-relative path of the input */
  file: string;
  line?: number;
  /** a column name or a key path inside a JSON document */
  key?: string;
}

/** `invalid_input`: a malformed input, named by file and line or key. */
export function invalidInput(location: InputLocation, problem: string): JobError {
  const where = [
    location.file,
    location.line === undefined ? '' : `:${location.line}`,
    location.key === undefined ? '' : ` (${location.key})`,
  ].join('');
  return new JobError('invalid_input', `${where}: ${problem}`, {
    file: location.file,
    ...(location.line !== undefined && { line: location.line }),
    ...(location.key !== undefined && { key: location.key }),
  });
}

export function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A read failure other than "does not exist" (permissions, a folder in place of a file…). */
export function unreadableInput(file: string, error: unknown): JobError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return invalidInput({ file }, `cannot read (${reason})`);
}
