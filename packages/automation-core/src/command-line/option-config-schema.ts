import * as z from '../configured-zod.js';
import type { OptionSet, OptionType } from './option-declaration.js';

/**
 * An option type as a zod schema, for config files: the same reading as the flag's, its problem
 * reported at the key path (and the item's index inside a list).
 */
export function optionSchema<T>(type: OptionType<T>): z.ZodType<T> {
  return z.unknown().transform((value, context) => {
    const reading = type.read(value);
    if ('value' in reading) return reading.value;
    context.addIssue({ code: 'custom', message: reading.problem, path: [...(reading.path ?? [])] });
    return z.NEVER;
  });
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
      .map((entry) => [entry.configKey, optionSchema(entry.declaration.type).nullish()]),
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
