import { MS_PER_HOUR, MS_PER_MINUTE, parseTimestamp } from '../clock.js';
import { JOB_ID_PATTERN } from '../job-id.js';
import { maskCommand, secretEnvValues } from '../secret-masking.js';
import {
  type Declared,
  declareOption,
  type OptionDeclaration,
  type OptionSettings,
  type OptionType,
  type Reading,
} from './option-declaration.js';

/**
 * The option types every command uses. Each reads a flag's text and a config value with the same
 * rules, so `""`, whitespace and garbage such as `0x10`, `1e` or `abc` are rejected alike, the
 * message saying what was expected and quoting what came.
 */

const QUOTED_MAX_CHARS = 60;

/** A value as a message quotes it: JSON, cut to 60 characters. */
function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > QUOTED_MAX_CHARS ? `${text.slice(0, QUOTED_MAX_CHARS)}…` : text;
  return typeof value === 'string' ? JSON.stringify(cut) : cut;
}

/** The problem `must be <expected>, got <value>`. */
export function expectedButGot(expected: string, value: unknown): { problem: string } {
  return { problem: `must be ${expected}, got ${quoted(value)}` };
}

/** An option type from a reader that turns a flag's text or a config value into a typed value. */
export function optionType<T>(
  placeholder: string | undefined,
  read: (value: unknown) => Reading<T>,
  extra: Pick<OptionType<T>, 'repeatable' | 'show' | 'choices' | 'isPath'> = {},
): OptionType<T> {
  return { ...(placeholder ? { placeholder } : {}), read, ...extra };
}

const WHOLE_NUMBER_TEXT = /^[0-9]+$/;
const DECIMAL_TEXT = /^[0-9]+(?:\.[0-9]+)?$/;

/** A number from a config value, or from text in plain decimal notation (no sign, exponent or hex). */
function numberOf(value: unknown, pattern: RegExp): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && pattern.test(value)) return Number(value);
  return null;
}

function nonBlankText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

const pathType = optionType<string>(
  '<path>',
  (value) => (nonBlankText(value) && !value.includes('\0') ? { value } : expectedButGot('a path', value)),
  { isPath: true },
);

const textType = optionType<string>('<text>', (value) =>
  nonBlankText(value) ? { value } : expectedButGot('a non-empty text', value),
);

/** A shell command; --config-dump shows it masked, as every recorded command is. */
const commandType = optionType<string>(
  '<command>',
  (value) => (nonBlankText(value) ? { value } : expectedButGot('a non-empty command', value)),
  { show: (value) => maskCommand(value, { secretValues: secretEnvValues(process.env) }) },
);

const anyTextType = optionType<string>('<text>', (value) =>
  typeof value === 'string' ? { value } : expectedButGot('a text', value),
);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envNameType = optionType<string>('<ENV>', (value) =>
  typeof value === 'string' && ENV_NAME.test(value)
    ? { value }
    : expectedButGot('an environment variable name (letters, digits, _)', value),
);

function countType(min: number, max: number | undefined): OptionType<number> {
  const expected = `a whole number ${max === undefined ? `≥ ${min}` : `from ${min} to ${max}`}`;
  return optionType('<n>', (value) => {
    const count = numberOf(value, WHOLE_NUMBER_TEXT);
    return count !== null && Number.isInteger(count) && count >= min && (max === undefined || count <= max)
      ? { value: count }
      : expectedButGot(expected, value);
  });
}

function decimalType(placeholder: string, expected: string, allowZero: boolean): OptionType<number> {
  return optionType(placeholder, (value) => {
    const number = numberOf(value, DECIMAL_TEXT);
    return number !== null && (allowZero ? number >= 0 : number > 0)
      ? { value: number }
      : expectedButGot(expected, value);
  });
}

const positiveType = decimalType('<n>', 'a number > 0', false);
const secondsType = decimalType('<s>', 'a number of seconds ≥ 0', true);

/** A length of time written `<n>m` or `<n>h`, kept with its text. */
export interface Duration {
  text: string;
  ms: number;
}

const DURATION_TEXT = /^([1-9][0-9]*)(m|h)$/;

/** `15m` → 900000 ms, `1h` → 3600000 ms; null for anything else. */
export function parseDuration(text: string): Duration | null {
  const match = DURATION_TEXT.exec(text);
  if (!match) return null;
  return { text, ms: Number(match[1]) * (match[2] === 'h' ? MS_PER_HOUR : MS_PER_MINUTE) };
}

const durationType = optionType<Duration>(
  '<n>m|<n>h',
  (value) => {
    const duration = typeof value === 'string' ? parseDuration(value) : null;
    return duration ? { value: duration } : expectedButGot('a duration such as 15m or 1h', value);
  },
  { show: (duration) => duration.text },
);

const flagType = optionType<boolean>(undefined, (value) =>
  typeof value === 'boolean' ? { value } : expectedButGot('true or false', value),
);

const timestampType = optionType<Date>(
  '<iso>',
  (value) => {
    const at = nonBlankText(value) ? parseTimestamp(value) : null;
    return at ? { value: at } : expectedButGot('an ISO-8601 timestamp', value);
  },
  { show: (at) => at.toISOString() },
);

const jobIdType = optionType<string>('<id>', (value) =>
  typeof value === 'string' && JOB_ID_PATTERN.test(value)
    ? { value }
    : expectedButGot(`a job id matching ${JOB_ID_PATTERN.source}`, value),
);

function choiceType<const V extends string>(values: readonly V[]): OptionType<V> {
  return optionType(
    '<name>',
    (value) =>
      typeof value === 'string' && (values as readonly string[]).includes(value)
        ? { value: value as V }
        : expectedButGot(`one of ${values.join(', ')}`, value),
    { choices: values },
  );
}

/** `latency,dashboard`: a comma-separated list of names out of `values`, at least one, in the order given. */
function nameListType<const V extends string>(values: readonly V[]): OptionType<V[]> {
  return optionType('<list>', (value) => {
    const names =
      typeof value === 'string'
        ? value
            .split(',')
            .map((name) => name.trim())
            .filter((name) => name !== '')
        : [];
    const known = (name: string): name is V => (values as readonly string[]).includes(name);
    return names.length > 0 && names.every(known)
      ? { value: names }
      : expectedButGot(`a comma-separated list of ${values.join(', ')}`, value);
  });
}

/** Items of a repeated flag, or a config list (a single config value is a list of one). */
function listType<T>(item: OptionType<T>, min: number): OptionType<T[]> {
  const read = (value: unknown): Reading<T[]> => {
    const items = Array.isArray(value) ? value : [value];
    const parsed: T[] = [];
    for (const [index, entry] of items.entries()) {
      const reading = item.read(entry);
      if (!('value' in reading)) return { problem: reading.problem, path: [index, ...(reading.path ?? [])] };
      parsed.push(reading.value);
    }
    return parsed.length < min ? { problem: `must name at least ${min}, got none` } : { value: parsed };
  };
  return {
    ...(item.placeholder ? { placeholder: item.placeholder } : {}),
    read,
    repeatable: true,
    ...(item.show ? { show: (values: T[]) => values.map((entry) => item.show?.(entry)) } : {}),
    ...(item.choices ? { choices: item.choices } : {}),
    ...(item.isPath ? { isPath: true } : {}),
  };
}

/** The kit's types, for list items and for options built on them. */
export const optionTypes = {
  path: pathType,
  text: textType,
  envName: envNameType,
  positive: positiveType,
  seconds: secondsType,
  duration: durationType,
  timestamp: timestampType,
  jobId: jobIdType,
  flag: flagType,
  /** a whole number ≥ 0 */
  count: countType(0, undefined),
  /** one of `values` */
  choice: choiceType,
  /** `a,b`: names out of `values` */
  nameList: nameListType,
} as const;

/** A declaration function for a type: `(description, settings) → declaration`. */
function kind<T>(type: OptionType<T>) {
  return <const S extends OptionSettings<T> = Record<never, never>>(
    description: string,
    settings?: S & OptionSettings<T>,
  ): Declared<T, S> => declareOption(type, description, settings);
}

/** A file or folder, absolute or relative to the root: not empty, not blank. */
export const path = kind(pathType);
/** Free text that is not empty or blank (a command, a name). */
export const text = kind(textType);
/** A shell command to run (non-blank text), shown masked by --config-dump. */
export const command = kind(commandType);
/** Any text, the empty one included; for values a domain rule checks itself. */
export const anyText = kind(anyTextType);
/** The name of an environment variable (holding a secret: set `secretEnv`). */
export const envName = kind(envNameType);
/** A number > 0 (days, hours, seconds), in plain decimal notation. */
export const positive = kind(positiveType);
/** A number of seconds ≥ 0. */
export const seconds = kind(secondsType);
/** An ISO-8601 timestamp; no zone means UTC. */
export const timestamp = kind(timestampType);
/** A job id (`YYYYMMDDThhmmssZ-<slug>`). */
export const jobId = kind(jobIdType);

/** `<n>m` or `<n>h`; the default is written as on the command line, e.g. `1h`. */
export function duration<
  const S extends Omit<OptionSettings<Duration>, 'default'> & { default?: string } = Record<never, never>,
>(description: string, settings?: S & Omit<OptionSettings<Duration>, 'default'>): Declared<Duration, S> {
  const written = settings?.default;
  const defaultDuration = written === undefined ? undefined : parseDuration(written);
  if (defaultDuration === null) throw new RangeError(`${description}: default ${written} is not a duration`);
  return declareOption(durationType, description, { ...settings, default: defaultDuration }) as Declared<
    Duration,
    S
  >;
}

/** A bare flag: on when given, off by default. */
export function flag(description: string, settings: Omit<OptionSettings<boolean>, 'default'> = {}) {
  return declareOption(flagType, description, { ...settings, default: false as boolean });
}

/** A whole number ≥ `min` (default 0), at most `max` when given. */
export function count<const S extends OptionSettings<number> = Record<never, never>>(
  description: string,
  settings?: S & OptionSettings<number> & { min?: number; max?: number },
): Declared<number, S> {
  return declareOption(countType(settings?.min ?? 0, settings?.max), description, settings);
}

/** One of a fixed set of names. */
export function choice<const V extends string, const S extends OptionSettings<V> = Record<never, never>>(
  values: readonly V[],
  description: string,
  settings?: S & OptionSettings<V>,
): Declared<V, S> {
  return declareOption(choiceType(values), description, settings);
}

/**
 * A repeatable flag (`--dataset a --dataset b`) or a config list, each item read with `item`'s
 * type; at least `min` items (default 0). Without a default the list is empty.
 */
export function list<T, const S extends OptionSettings<T[]> = Record<never, never>>(
  item: OptionType<T>,
  description: string,
  settings?: S & OptionSettings<T[]> & { min?: number },
): OptionDeclaration<T[], true> {
  return declareOption(listType(item, settings?.min ?? 0), description, {
    ...settings,
    default: settings?.default ?? ([] as T[]),
  });
}

/** An option of a type a job defines itself (a domain rule the kit does not know). */
export function custom<T, const S extends OptionSettings<T> = Record<never, never>>(
  type: OptionType<T>,
  description: string,
  settings?: S & OptionSettings<T>,
): Declared<T, S> {
  return declareOption(type, description, settings);
}
