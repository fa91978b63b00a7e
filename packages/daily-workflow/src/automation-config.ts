import { CHAINED_JOBS, type ChainedJobName, type JobConfigSpec, registeredJob } from '@obs-automation/core';
import * as z from 'zod';

const flagName = z.string().regex(/^--[a-z0-9][a-z0-9-]*$/, 'must be a flag such as --job-name');
const scalar = z.union([z.string(), z.number()]);
/** `true` for a bare flag, `false` to leave it out, a list for a repeated flag. */
const argValue = z.union([scalar, z.boolean(), z.array(scalar).min(1)]);
const jobSection = z
  .strictObject({
    /** default true */
    enabled: z.boolean().optional(),
    /** flag → value, passed to the job exactly as on its command line ({ROOT} already expanded) */
    args: z.record(flagName, argValue).nullish(),
  })
  .nullish();

export type JobSection = z.output<typeof jobSection>;
export type AutomationConfig = { readonly [job in ChainedJobName]?: JobSection };

/**
 * `configs/observability/automation.yaml`: per chained job (the job registry's), whether it runs
 * and extra command-line arguments.
 */
export const automationConfigSchema = z.strictObject(
  Object.fromEntries(CHAINED_JOBS.map((job) => [job.name, jobSection])),
) as unknown as z.ZodType<AutomationConfig>;

export const AUTOMATION_CONFIG: JobConfigSpec<AutomationConfig> = {
  defaultPath: registeredJob('daily').configFile,
  schema: automationConfigSchema,
  // Its keys are jobs, not the chain's flags.
  flagDefaults: () => ({}),
};

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
