import { type RegularFileOptions, readBoundedText } from './bounded-file-read.js';
import { JobError } from './job-error.js';
import { findJsonSyntaxProblem, lineAndColumn } from './json-syntax-error.js';
import { escapeUntrusted } from './message-text.js';

/**
 * The deepest nesting any JSON the jobs read may have. Deeper documents are refused before they
 * are parsed: JSON.parse copes, but everything recursive after it (JSON.stringify when the value
 * is written back, schema validation, copying) would overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

export interface JsonParseOptions {
  /** what the document is, for messages, e.g. `heartbeat` */
  what: string;
  /** how messages name the file, e.g. its root-relative path */
  file: string;
  /** the error code of a refused document (default `invalid_input`) */
  code?: string;
  /** default MAX_JSON_DEPTH */
  maxDepth?: number;
  /** for one line of a JSON-lines file: its line number, so positions are reported in the file */
  line?: number;
}

/** Whether `text` holds at most `limit` opening brackets (counted natively, strings included). */
function fewOpeningBrackets(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      count += 1;
      if (count > limit) return false;
    }
  }
  return true;
}

/** The characters that matter to nesting: quotes, escapes and brackets (the rest is skipped natively). */
const NESTING_CHARACTER = /["\\[\]{}]/g;

/**
 * The offset of the first bracket that opens a level deeper than `maxDepth`, or -1. Brackets
 * inside strings do not count. One pass, no recursion, visiting only the characters that matter;
 * none at all when the text has no more opening brackets than `maxDepth` (it cannot nest deeper).
 */
export function firstTooDeepBracket(text: string, maxDepth: number): number {
  if (fewOpeningBrackets(text, maxDepth)) return -1;
  const special = new RegExp(NESTING_CHARACTER);
  let depth = 0;
  let inString = false;
  for (let match = special.exec(text); match !== null; match = special.exec(text)) {
    const index = match.index;
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) special.lastIndex = index + 2;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return index;
    } else if (code === 0x5d || code === 0x7d) depth -= 1;
  }
  return -1;
}

/** True when a parsed value (e.g. from YAML) nests deeper than `maxDepth`. Iterative. */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: item, depth } = pending.pop() as { value: unknown; depth: number };
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(item)) pending.push({ value: child, depth: depth + 1 });
  }
  return false;
}

function refused(text: string, position: number, problem: string, options: JsonParseOptions): JobError {
  const at = lineAndColumn(text, position);
  const line = options.line === undefined ? at.line : options.line + at.line - 1;
  const file = escapeUntrusted(options.file, 300);
  return new JobError(
    options.code ?? 'invalid_input',
    `${options.what} ${file}:${line}:${at.column} ${problem}`,
    { file, line, column: at.column, problem: `${problem} at line ${line}, column ${at.column}` },
  );
}

/**
 * JSON.parse with a nesting cap and messages that never quote the text: a refused document is a
 * JobError with the caller's code naming the file, line and column and what is wrong there. A
 * leading byte-order mark is ignored.
 */
export function parseJsonBounded(input: string | Buffer, options: JsonParseOptions): unknown {
  const text = (typeof input === 'string' ? input : input.toString('utf8')).replace(/^\uFEFF/, '');
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const tooDeep = firstTooDeepBracket(text, maxDepth);
  if (tooDeep !== -1) throw refused(text, tooDeep, `nests deeper than ${maxDepth} levels`, options);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const found = findJsonSyntaxProblem(text) ?? { position: 0, problem: 'not accepted by the parser' };
    throw refused(text, found.position, `is not valid JSON: ${found.problem}`, options);
  }
}

export type JsonFileRead =
  | { kind: 'ok'; value: unknown }
  | { kind: 'missing' }
  | { kind: 'invalid'; reason: string };

/**
 * A JSON file read as readBoundedText reads it (a regular file under its kind's cap, never
 * blocking, links as the kind allows) and parsed with the nesting cap. Why it cannot be used
 * (`reason`) says where and what is wrong, never what the file holds.
 */
export async function readJsonFile(
  path: string,
  options: RegularFileOptions & { what: string },
): Promise<JsonFileRead> {
  try {
    const text = await readBoundedText(path, options);
    if (text === null) return { kind: 'missing' };
    return { kind: 'ok', value: parseJsonBounded(text, { what: options.what, file: options.shown ?? path }) };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { kind: 'invalid', reason: String(error.details.problem ?? error.message) };
  }
}
