import * as z from 'zod';
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

/**
 * The config-file keys of a set of options (`keys` narrows it), each checked with its option's
 * type; a null value means unset. A config file therefore rejects what the flag rejects, naming
 * the key path instead of the flag.
 */
export function optionConfigShape(set: OptionSet, keys?: readonly string[]): Record<string, z.ZodType> {
  return Object.fromEntries(
    set.entries
      .filter((entry) => entry.declaration.inConfig && (keys === undefined || keys.includes(entry.key)))
      .map((entry) => [entry.configKey, entry.declaration.type.schema.nullish()]),
  );
}

/**
 * A job's config file: its own keys plus one key per option of the given sets, validated
 * strictly (an unknown key or a wrong type is exit 2 with the key path).
 */
export function jobConfigSchema<const Own extends z.ZodRawShape>(
  sets: readonly OptionSet[],
  own: Own,
): z.ZodType<z.output<z.ZodObject<Own>> & { readonly [configKey: string]: unknown }> {
  const optionKeys = Object.assign({}, ...sets.map((set) => optionConfigShape(set)));
  return z.strictObject({ ...optionKeys, ...own }) as unknown as z.ZodType<
    z.output<z.ZodObject<Own>> & { readonly [configKey: string]: unknown }
  >;
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
      const parsed = declaration.type.schema.safeParse(flags[key]);
      if (!parsed.success) {
        throw usageError(`${flag}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`, { flag });
      }
      values[key] = parsed.data;
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
