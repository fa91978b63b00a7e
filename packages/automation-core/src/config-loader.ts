import { isAbsolute, resolve } from 'node:path';
import type * as z from 'zod';
import { readBoundedText } from './bounded-file-read.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './bounded-json.js';
import { commonJsExports } from './commonjs-import.js';
import { configError, JobError } from './job-error.js';
import { escapeUntrusted, escapeUntrustedText } from './message-text.js';
import { sharedParse } from './shared-reads.js';
import { yamlNestingExceeds } from './yaml-nesting.js';

/** Replaces `{ROOT}` in every string of a parsed config with the workspace root. */
export function expandRootPlaceholders<T>(value: T, root: string): T {
  if (typeof value === 'string') return value.replaceAll('{ROOT}', root) as T;
  if (Array.isArray(value)) return value.map((item) => expandRootPlaceholders(item, root)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, expandRootPlaceholders(item, root)]),
    ) as T;
  }
  return value;
}

export function resolveAgainstRoot(root: string, path: string): string {
  return isAbsolute(path) ? path : resolve(root, path);
}

/** A key path for messages; keys come from the file, so they are escaped and capped. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : escapeUntrusted(path.map((part) => String(part)).join('.'), 200);
}

export interface LoadedConfig<T> {
  path: string;
  exists: boolean;
  config: T;
}

/** A schema, or a loader for it as a JobConfigSpec has one (with what a missing file means). */
export type SchemaSource<S extends z.ZodType> =
  | S
  | { loadSchema(): Promise<S>; whenAbsent?: z.output<S> | undefined };

function schemaOf<S extends z.ZodType>(source: SchemaSource<S>): Promise<S> | S {
  return 'loadSchema' in source ? source.loadSchema() : source;
}

/**
 * Loads a YAML config and validates it strictly. A default path that does not exist means
 * built-in defaults (an empty document); a path the user named explicitly must exist.
 */
export async function loadYamlConfig<S extends z.ZodType>(
  source: SchemaSource<S>,
  path: string,
  options: { root: string; explicit: boolean; flag: string },
): Promise<LoadedConfig<z.output<S>>> {
  const absolute = resolveAgainstRoot(options.root, path);
  let text: string | null;
  try {
    text = await readBoundedText(absolute, {
      kind: 'config',
      shown: absolute,
      what: options.flag,
      code: 'invalid_config',
    });
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    throw configError(`${options.flag} ${absolute}: ${String(error.details.problem ?? error.message)}`, {
      config_path: absolute,
    });
  }
  if (text === null) {
    if (!options.explicit) {
      const absent =
        'loadSchema' in source && source.whenAbsent !== undefined
          ? structuredClone(source.whenAbsent)
          : parseConfig(await schemaOf(source), {}, absolute);
      return { path: absolute, exists: false, config: absent };
    }
    throw configError(`${options.flag} ${absolute}: cannot read (ENOENT)`, { config_path: absolute });
  }
  return {
    path: absolute,
    exists: true,
    config: parseConfig(
      await schemaOf(source),
      // obs-daily reads each config twice, to plan its chain and to run the job
      await sharedParse(`yaml\0${options.root}\0${absolute}\0${text}`, () =>
        parseYaml(text, absolute, options.root),
      ),
      absolute,
    ),
  };
}

/** Aliases a document may expand: far above any real config, far below a billion laughs. */
export const MAX_YAML_ALIAS_COUNT = 100;
/**
 * The bound yaml-nesting.ts puts on a config before the yaml package composes it: loose enough
 * for any config within MAX_JSON_DEPTH levels (checked exactly afterwards), far below the
 * depth that can abort the process.
 */
const YAML_NESTING_BOUND = 4 * MAX_JSON_DEPTH + 8;

/**
 * A parser message without what follows its description: the yaml package appends the
 * offending token or alias name, which is file content and never goes into a message.
 */
function yamlProblem(message: string): string {
  const first = (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  return first.replace(/:\s.*$/, '');
}

/**
 * YAML text → plain value with `{ROOT}` expanded. Syntax errors, alias bombs (more than
 * MAX_YAML_ALIAS_COUNT expansions) and nesting deeper than MAX_JSON_DEPTH are `invalid_config`
 * naming the file (and the line when the parser knows it), never quoting its content.
 */
async function parseYaml(text: string, absolute: string, root: string): Promise<unknown> {
  // yaml is loaded on first use: a run without a config file never pays for it.
  const { Lexer, parseDocument } = commonJsExports(await import('yaml'));
  if (yamlNestingExceeds(text, new Lexer(), YAML_NESTING_BOUND)) {
    throw configError(`${absolute}: invalid YAML: nests deeper than ${MAX_JSON_DEPTH} levels`, {
      config_path: absolute,
    });
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = document.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line;
    const problem = first.code === 'RESOURCE_EXHAUSTION' ? 'nests too deeply' : yamlProblem(first.message);
    throw configError(`${absolute}${line ? `:${line}` : ''}: invalid YAML: ${problem}`, {
      config_path: absolute,
      line: line ?? null,
    });
  }
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) ?? {};
  } catch (error) {
    const problem =
      error instanceof ReferenceError && /alias count/i.test(error.message)
        ? `its aliases expand more than ${MAX_YAML_ALIAS_COUNT} times (a resource-exhaustion pattern)`
        : yamlProblem(error instanceof Error ? error.message : String(error));
    throw configError(`${absolute}: invalid YAML: ${problem}`, { config_path: absolute });
  }
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw configError(`${absolute}: invalid YAML: nests deeper than ${MAX_JSON_DEPTH} levels`, {
      config_path: absolute,
    });
  }
  return expandRootPlaceholders(raw, root);
}

function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, path: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keyPath = issue ? formatIssuePath(issueKeyPath(issue)) : '(top level)';
  throw configError(`${path}: key ${keyPath}: ${escapeUntrustedText(issue?.message ?? 'invalid', 200)}`, {
    config_path: path,
    key: keyPath,
    issues: result.error.issues.slice(0, 10).map((item) => ({
      key: formatIssuePath(issueKeyPath(item)),
      message: escapeUntrustedText(item.message, 200),
    })),
  });
}

/** Reports at `<list>.<index>.name` every item of a config list whose name an earlier item has. */
export function requireUniqueNames(
  items: readonly { name: string }[],
  list: string,
  what: string,
  context: z.core.$RefinementCtx,
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.name)) {
      context.addIssue({
        code: 'custom',
        path: [list, index, 'name'],
        message: `duplicate ${what} name "${item.name}"`,
      });
    }
    seen.add(item.name);
  });
}

/** Unknown keys are reported at the key itself, not at the object holding it. */
function issueKeyPath(issue: z.core.$ZodIssue): PropertyKey[] {
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0)
    return [...issue.path, issue.keys[0] as string];
  return [...issue.path];
}
