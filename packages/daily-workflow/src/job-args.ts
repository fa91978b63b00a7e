import type { JobSection } from './automation-config.js';

/** A job's `args:` in automation.yaml: flag → value. */
export type JobArgs = NonNullable<NonNullable<JobSection>['args']>;

/** A job's configured arguments as command-line tokens, in the order the file lists them. */
export function argsToArgv(args: JobArgs | null | undefined): string[] {
  return Object.entries(args ?? {}).flatMap(([flag, value]) => {
    if (value === true) return [flag];
    if (value === false) return [];
    if (Array.isArray(value)) return value.flatMap((item) => [flag, String(item)]);
    return [flag, String(value)];
  });
}
