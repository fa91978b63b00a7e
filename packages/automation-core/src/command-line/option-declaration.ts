/**
 * What reading a value gave: the typed value, or what is wrong with it (at `path` inside the
 * value, for an item of a list).
 */
export type Reading<T> = { value: T } | { problem: string; path?: readonly number[] };

/**
 * How one option's values are read — a flag's text and a config value alike — and shown. Plain
 * functions, not schemas: `--help` and obs-status never load a validation library.
 */
export interface OptionType<T> {
  /** the value's placeholder in --help, e.g. `<path>`; absent for a bare flag */
  readonly placeholder?: string;
  /** reads a flag's text or a config value; the problem says what was expected and what came */
  read(value: unknown): Reading<T>;
  /** a flag given once per item of a list */
  readonly repeatable?: boolean;
  /** how --help and --config-dump show a value (default: the value itself) */
  show?(value: T): unknown;
  /** the values a shell completion offers (a choice, or a list of choices) */
  readonly choices?: readonly string[];
  /** names a file or folder: a shell completion offers the file system, and a config file may only name one inside the workspace root */
  readonly isPath?: boolean;
}

/**
 * One option, declared once: its flag is `--` + the kebab-case of its key, its config-file key
 * the snake_case (`rawRetentionDays` → `--raw-retention-days`, `raw_retention_days`).
 * `required` is true when the option always has a value (it has a default).
 */
export interface OptionDeclaration<T = unknown, Required extends boolean = boolean> {
  readonly type: OptionType<T>;
  readonly description: string;
  /** the flag when it is not the key's kebab-case, e.g. `--dry-run` for `dryRunAlert` */
  readonly flag?: string;
  /** other flags for the same option, accepted silently and not shown by --help */
  readonly aliases?: readonly string[];
  readonly default?: T;
  /** how --help shows the default when it is not a literal value, e.g. `the --log-file value` */
  readonly defaultLabel?: string;
  /** overrides the type's placeholder, e.g. `<csv>` */
  readonly placeholder?: string;
  /** the value names an environment variable holding a secret: dumps show it as `{env: name}` */
  readonly secretEnv?: boolean;
  /** false for a command-line flag that is not a key of the job's config file */
  readonly inConfig: boolean;
  readonly required: Required;
}

/** What a declaration may set beside its type and description. */
export interface OptionSettings<T> {
  default?: T;
  /** the flag when it is not the key's kebab-case (the config-file key stays the key's snake_case) */
  flag?: string;
  /** other flags for the same option: names that stay valid, not shown by --help */
  aliases?: readonly string[];
  defaultLabel?: string;
  /** the --help placeholder, e.g. `<csv>` */
  value?: string;
  secretEnv?: boolean;
  /** false: a command-line flag only, not a key of the job's config file */
  inConfig?: false;
  /** a rule beyond the type's own: returns what is wrong with the value, or undefined */
  check?: (value: T) => string | undefined;
}

export type Declared<T, S> = OptionDeclaration<T, S extends { default: unknown } ? true : false>;

/** `type` with `check` applied to every value it reads. */
function checkedType<T>(type: OptionType<T>, check: (value: T) => string | undefined): OptionType<T> {
  return {
    ...type,
    read(value) {
      const reading = type.read(value);
      if (!('value' in reading)) return reading;
      const problem = check(reading.value);
      return problem === undefined ? reading : { problem };
    },
  };
}

/** A declaration of `type` with the settings given; `check` narrows what the type accepts. */
export function declareOption<T, S extends OptionSettings<T>>(
  type: OptionType<T>,
  description: string,
  settings?: S,
): Declared<T, S> {
  const check = settings?.check;
  return {
    type: check ? checkedType(type, check) : type,
    description,
    ...(settings?.flag !== undefined ? { flag: settings.flag } : {}),
    ...(settings?.aliases?.length ? { aliases: settings.aliases } : {}),
    ...(settings?.default !== undefined ? { default: settings.default } : {}),
    ...(settings?.defaultLabel !== undefined ? { defaultLabel: settings.defaultLabel } : {}),
    ...(settings?.value !== undefined ? { placeholder: settings.value } : {}),
    ...(settings?.secretEnv ? { secretEnv: true } : {}),
    inConfig: settings?.inConfig !== false,
    required: (settings?.default !== undefined) as S extends { default: unknown } ? true : false,
  };
}

export type OptionDeclarations = { readonly [key: string]: OptionDeclaration };

/** A declaration with the names derived from its key. */
export interface DeclaredOption {
  /** the typed options' property, e.g. `rawRetentionDays` */
  key: string;
  /** e.g. `--raw-retention-days` (or the declaration's own flag) */
  flag: string;
  /** e.g. `raw_retention_days` */
  configKey: string;
  declaration: OptionDeclaration;
}

export interface OptionSet<D extends OptionDeclarations = OptionDeclarations> {
  readonly declarations: D;
  readonly entries: readonly DeclaredOption[];
}

/** The typed values of a set of declarations: `T` when the option has a default, else `T | undefined`. */
export type OptionValues<D> = {
  -readonly [K in keyof D]: D[K] extends OptionDeclaration<infer T, infer Required>
    ? Required extends true
      ? T
      : T | undefined
    : never;
};

export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

export function configKeyOf(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The one place a command's options are declared; flags, config keys and types derive from it. */
export function defineOptions<const D extends OptionDeclarations>(declarations: D): OptionSet<D> {
  const entries = Object.entries(declarations).map(([key, declaration]) => ({
    key,
    flag: declaration.flag ?? flagOf(key),
    configKey: configKeyOf(key),
    declaration,
  }));
  return { declarations, entries };
}

/** How --help and --config-dump show a value of the option. */
export function shownValue(declaration: OptionDeclaration, value: unknown): unknown {
  return declaration.type.show ? declaration.type.show(value) : value;
}
