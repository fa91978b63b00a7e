import { CHAINED_JOBS, type ChainedJobName } from '@obs-automation/core';
import * as z from '@obs-automation/core/zod';

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
