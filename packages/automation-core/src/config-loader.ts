import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { commonJsExports } from './commonjs-import.js';
import { configError } from './job-error.js';

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

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map((part) => String(part)).join('.');
}

export interface LoadedConfig<T> {
  path: string;
  exists: boolean;
  config: T;
}

/**
 * Loads a YAML config and validates it strictly. A default path that does not exist means
 * built-in defaults (an empty document); a path the user named explicitly must exist.
 */
export async function loadYamlConfig<S extends z.ZodType>(
  schema: S,
  path: string,
  options: { root: string; explicit: boolean; flag: string },
): Promise<LoadedConfig<z.output<S>>> {
  const absolute = resolveAgainstRoot(options.root, path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.explicit) {
      return { path: absolute, exists: false, config: parseConfig(schema, {}, absolute) };
    }
    throw configError(`${options.flag} ${absolute}: cannot read (${code ?? (error as Error).message})`, {
      config_path: absolute,
    });
  }
  // yaml is loaded on first use: a run without a config file never pays for it.
  const { parseDocument } = commonJsExports(await import('yaml'));
  const document = parseDocument(text.replace(/^\uFEFF/, ''), { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const line = first?.linePos?.[0]?.line;
    throw configError(
      `${absolute}${line ? `:${line}` : ''}: invalid YAML: ${first?.message.split('\n')[0]}`,
      {
        config_path: absolute,
        line: line ?? null,
      },
    );
  }
  const raw = document.toJS() ?? {};
  return {
    path: absolute,
    exists: true,
    config: parseConfig(schema, expandRootPlaceholders(raw, options.root), absolute),
  };
}

function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, path: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keyPath = issue ? formatIssuePath(issueKeyPath(issue)) : '(top level)';
  throw configError(`${path}: key ${keyPath}: ${issue?.message ?? 'invalid'}`, {
    config_path: path,
    key: keyPath,
    issues: result.error.issues.slice(0, 10).map((item) => ({
      key: formatIssuePath(issueKeyPath(item)),
      message: item.message,
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
