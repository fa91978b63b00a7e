import { z } from 'zod';
import { envNameSchema } from './env-name.js';
import { requireUniqueNames } from './unique-names.js';

const statusClass = z.string().regex(/^[1-5]xx$/, 'must be a status code or a class like 2xx');
const statusCode = z.number().int().min(100).max(599);
const statusMatcher = z.union([statusCode, statusClass]);

/** An HTTP endpoint the job measures once per run. */
export const probeSourceSchema = z
  .strictObject({
    name: z.string().min(1),
    type: z.literal('http'),
    url: z.string().optional(),
    url_env: envNameSchema.optional(),
    method: z.enum(['GET', 'HEAD']).default('GET'),
    timeout_ms: z.number().int().min(1).max(600_000).default(5000),
    expect_status: z.union([statusMatcher, z.array(statusMatcher).min(1)]).default('2xx'),
  })
  .superRefine((source, context) => {
    if ((source.url === undefined) === (source.url_env === undefined)) {
      context.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of url and url_env' });
    } else if (source.url !== undefined && !/^https?:\/\/[^/\s]+/i.test(source.url)) {
      context.addIssue({ code: 'custom', path: ['url'], message: 'must be an http(s) URL' });
    }
  });

export type ProbeSource = z.output<typeof probeSourceSchema>;

const path = z.string().min(1);

/**
 * configs/observability/latency.yaml: probe sources, the schedule, and defaults for the command's
 * flags under their snake_case names (`record` reads the same file for its shared flags).
 */
export const latencyConfigSchema = z
  .strictObject({
    sources: z.array(probeSourceSchema).default([]),
    schedule_minutes: z.number().int().min(1).default(15),
    input: path.optional(),
    rollup_output: path.optional(),
    raw_retention_days: z.number().positive().optional(),
    rollup_retention_days: z.number().positive().optional(),
    max_raw_bytes: z.number().int().min(1).optional(),
    archive_dir: path.optional(),
    archive_manifest: path.optional(),
    lock_file: path.optional(),
    alert_config: path.optional(),
    heartbeat_file: path.optional(),
    window: z.string().optional(),
    dry_run_alert: z.boolean().optional(),
    alerts_dir: path.optional(),
    rejects_file: path.optional(),
    lock_wait_seconds: z.number().min(0).optional(),
  })
  .superRefine((config, context) => requireUniqueNames(config.sources, 'sources', 'source', context));

export type LatencyConfig = z.output<typeof latencyConfigSchema>;
