import { formatSchemaIssues, MAX_LOG_LINE_BYTES, type Validator } from '@obs-automation/core';
import { parseEntryForSchema } from './entry-for-schema.js';
import type { FileLine } from './line-reader.js';

/** Which line rule a line breaks. */
export type LineProblemKind = 'too_long' | 'not_json' | 'schema_invalid';

export interface LineProblem {
  kind: LineProblemKind;
  message: string;
}

export interface ClassifiedLine {
  /**
   * the parsed object when the line parses as a JSON object, valid or not; its `summary` may be an
   * empty stand-in (see parseEntryForSchema): parse the text again for the whole entry
   */
  entry: Record<string, unknown> | null;
  /** empty for a valid line */
  problems: readonly LineProblem[];
}

const NO_PROBLEMS: readonly LineProblem[] = Object.freeze([]);

function withProblem(problems: LineProblem[] | null, problem: LineProblem): LineProblem[] {
  const list = problems ?? [];
  list.push(problem);
  return list;
}

/**
 * Applies the run log's line rules: under MAX_LOG_LINE_BYTES with its newline, parses as JSON,
 * validates against the run schema. A line can break several rules; each is reported. This runs
 * once per line of a possibly huge log, so a valid line allocates nothing beyond its parse.
 */
export function classifyLogLine(line: FileLine, validate: Validator): ClassifiedLine {
  let problems: LineProblem[] | null = null;
  if (line.bytes + 1 >= MAX_LOG_LINE_BYTES) {
    problems = withProblem(problems, {
      kind: 'too_long',
      message: `${line.bytes + 1} bytes with its newline (limit: under ${MAX_LOG_LINE_BYTES})`,
    });
  }
  if (line.text === null) {
    problems = withProblem(problems, {
      kind: 'not_json',
      message: `not parsed: ${line.bytes} bytes on one line`,
    });
    return { entry: null, problems: problems ?? NO_PROBLEMS };
  }
  let parsed: unknown;
  try {
    parsed = parseEntryForSchema(line.text);
  } catch (error) {
    const message = line.text.trim() === '' ? 'empty line' : (error as Error).message;
    problems = withProblem(problems, { kind: 'not_json', message });
    return { entry: null, problems: problems ?? NO_PROBLEMS };
  }
  const issues = validate(parsed);
  if (issues.length > 0) {
    problems = withProblem(problems, { kind: 'schema_invalid', message: formatSchemaIssues(issues, 3) });
  }
  const entry =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  return { entry, problems: problems ?? NO_PROBLEMS };
}
