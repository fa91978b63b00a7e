import { JobError } from './job-error.js';

/**
 * The two ways a job's input can fail, shared by every job so that operators and scripts see
 * one shape: `missing_input` lists the missing paths in `diagnostics.missing`; `invalid_input`
 * names the file and, where known, the line and the column (CSV) or key (JSON).
 */

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

/**
 * `missing_input`: required inputs that do not exist. `diagnostics.missing` lists their
 * root-relative paths; `message` replaces the default one when the reason is more specific.
 */
export function missingInput(paths: readonly string[], message?: string): JobError {
  const list = paths.join(', ');
  return new JobError(
    'missing_input',
    message ?? `required input${paths.length === 1 ? '' : 's'} missing: ${list}`,
    { missing: [...paths] },
  );
}

export interface InputLocation {
  /** root-relative path of the input */
  file: string;
  line?: number;
  /** a CSV column name */
  column?: string;
  /** a key path inside a JSON document */
  key?: string;
}

/** `invalid_input`: a malformed input, named by file and line, column or key. */
export function invalidInput(
  location: InputLocation,
  problem: string,
  extra: Record<string, unknown> = {},
): JobError {
  const { file, line, column, key } = location;
  const where = [
    file,
    line === undefined ? '' : `:${line}`,
    column === undefined ? '' : `, column ${column}`,
    key === undefined ? '' : ` (${key})`,
  ].join('');
  return new JobError('invalid_input', `${where}: ${problem}`, {
    file,
    ...(line !== undefined && { line }),
    ...(column !== undefined && { column }),
    ...(key !== undefined && { key }),
    ...extra,
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
