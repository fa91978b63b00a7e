import { jobConfigSchema, optionSchema } from '@obs-automation/core/config-schema';
import * as z from '@obs-automation/core/zod';
import { TIME_PATTERN, WEEKDAYS } from './send-schedule.js';
import { SECTIONS, WEEKLY_OPTIONS } from './weekly-options.js';

/** Both keys required; a weekday in any case (`Saturday`), a time as `HH:MM`. */
export const sendAtSchema = z.strictObject({
  weekday: z
    .string({ error: `expected a weekday: ${WEEKDAYS.join(', ')}` })
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(WEEKDAYS, { error: `expected a weekday: ${WEEKDAYS.join(', ')}` })),
  time: z
    .string({ error: 'expected a time as "HH:MM" (24-hour, UTC)' })
    .regex(TIME_PATTERN, 'expected a time as "HH:MM" (24-hour, UTC), e.g. "23:30"'),
});

/** `weekly_payload.yaml`: its own keys plus a default for every flag, validated strictly. */
export const weeklyConfigSchema = jobConfigSchema([WEEKLY_OPTIONS], {
  include: z.array(z.enum(SECTIONS)).optional(),
  week: z.enum(['previous', 'current']).optional(),
  send_at: sendAtSchema.optional(),
  destinations: z
    .strictObject({
      webhooks: z.array(z.string().min(1)).optional(),
      fail_on_error: z.boolean().optional(),
      dry_run: optionSchema(WEEKLY_OPTIONS.declarations.dryRunWebhook.type).optional(),
    })
    .optional(),
});

export type WeeklyConfig = z.output<typeof weeklyConfigSchema>;

/** What the weekly job reads of the latency job's alert config: its critical streak. */
export const latencyAlertConfigSchema = z.looseObject({
  critical_threshold: z.number().int().min(1).optional(),
});
