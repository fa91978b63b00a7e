import { usageError } from '../job-error.js';
import {
  type OptionDeclarations,
  type OptionSet,
  type OptionValues,
  shownValue,
} from './option-declaration.js';

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

export interface ResolvedValues<V> {
  values: V;
  /** keys whose value came from the command line */
  explicit: Set<string>;
  /** keys whose value came from the config file */
  fromConfig: Set<string>;
}

/**
 * Applies the precedence command-line flag > config file > built-in default. A flag's text is
 * read with its option's type (a bad one is a usage error naming the flag); config values were
 * already read by the config schema, which names the key path.
 */
export function resolveOptionValues<D extends OptionDeclarations>(
  set: OptionSet<D>,
  flags: Readonly<Record<string, unknown>>,
  configValues: Readonly<Record<string, unknown>> = {},
): ResolvedValues<OptionValues<D>> {
  const values: Record<string, unknown> = {};
  const explicit = new Set<string>();
  const fromConfig = new Set<string>();
  for (const { key, flag, configKey, declaration } of set.entries) {
    const configured = declaration.inConfig ? configValues[configKey] : undefined;
    if (flags[key] !== undefined) {
      const reading = declaration.type.read(flags[key]);
      if (!('value' in reading)) throw usageError(`${flag}: ${reading.problem}`, { flag });
      values[key] = reading.value;
      explicit.add(key);
    } else if (configured !== undefined && configured !== null) {
      values[key] = configured;
      fromConfig.add(key);
    } else if (declaration.default !== undefined) {
      values[key] = declaration.default;
    }
  }
  return { values: values as OptionValues<D>, explicit, fromConfig };
}

/** Resolved values as --config-dump prints them: by config key, secrets by variable name only. */
export function dumpedOptionValues(set: OptionSet, values: Readonly<Record<string, unknown>>) {
  const dumped: Record<string, unknown> = {};
  for (const { key, configKey, declaration } of set.entries) {
    const value = values[key];
    if (value === undefined) continue;
    const shown = shownValue(declaration, value);
    dumped[configKey] = declaration.secretEnv ? { env: shown } : shown;
  }
  return dumped;
}
