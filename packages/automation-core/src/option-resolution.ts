import type { OptionSpec } from './job-definition.js';
import { configError, usageError } from './job-error.js';

export function optionKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-/g, '_');
}

interface ZodLikeError {
  issues: { message: string; path?: PropertyKey[] }[];
}

/** Recognises a zod error without loading zod (jobs bring their own schemas). */
export function isZodError(error: unknown): error is ZodLikeError {
  return error instanceof Error && Array.isArray((error as Partial<ZodLikeError>).issues);
}

/** The first issue of a zod error, with its key path when it has one. */
export function describeZodIssue(error: unknown): string {
  const issue = (error as Partial<ZodLikeError>).issues?.[0];
  if (!issue) return String(error);
  const path = issue.path?.length ? `${issue.path.map(String).join('.')}: ` : '';
  return `${path}${issue.message}`;
}

/**
 * Applies the precedence command-line flag > config file > built-in default, validating each
 * value with its option's schema. A bad flag is a usage error naming the flag; a bad config value
 * names the key.
 */
export function resolveOptionValues(
  specs: readonly OptionSpec[],
  flags: Record<string, unknown>,
  configDefaults: Record<string, unknown>,
  configPath: string,
): { values: Record<string, unknown>; explicit: Set<string> } {
  const values: Record<string, unknown> = {};
  const explicit = new Set<string>();
  for (const spec of specs) {
    const key = optionKey(spec.flag);
    if (flags[key] !== undefined) {
      const parsed = spec.schema.safeParse(flags[key]);
      if (!parsed.success)
        throw usageError(`${spec.flag}: ${describeZodIssue(parsed.error)}`, { flag: spec.flag });
      values[key] = parsed.data;
      explicit.add(key);
    } else if (configDefaults[key] !== undefined && configDefaults[key] !== null) {
      const parsed = spec.schema.safeParse(configDefaults[key]);
      if (!parsed.success) {
        throw configError(`${configPath}: key ${key}: ${describeZodIssue(parsed.error)}`, {
          config_path: configPath,
          key,
        });
      }
      values[key] = parsed.data;
    } else if (spec.defaultValue !== undefined) {
      values[key] = spec.defaultValue;
    }
  }
  return { values, explicit };
}
