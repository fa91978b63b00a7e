import { optionTypes, requireUniqueNames } from '@obs-automation/core';
import { jobConfigSchema, optionSchema } from '@obs-automation/core/config-schema';
import * as z from '@obs-automation/core/zod';
import { COMPACT_OPTIONS } from './compaction/compact-options.js';
import { LATENCY_OPTIONS } from './latency-options.js';
import { RECORD_OPTIONS } from './record-options.js';

const statusClass = z.string().regex(/^[1-5]xx$/, 'must be a status code or a class like 2xx');
const statusCode = z.number().int().min(100).max(599);
const statusMatcher = z.union([statusCode, statusClass]);

/** An HTTP endpoint the job measures once per run. */
export const probeSourceSchema = z
  .strictObject({
    name: z.string().min(1),
    type: z.literal('http'),
    url: z.string().optional(),
    url_env: optionSchema(optionTypes.envName).optional(),
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

/**
 * configs/observability/latency.yaml: probe sources, the schedule, and a default for every flag
 * of the job, of `record` and of `compact-archives` under its snake_case name.
 */
export const latencyConfigSchema = jobConfigSchema([LATENCY_OPTIONS, RECORD_OPTIONS, COMPACT_OPTIONS], {
  sources: z.array(probeSourceSchema).default([]),
  schedule_minutes: z.number().int().min(1).default(15),
}).superRefine((config, context) => requireUniqueNames(config.sources, 'sources', 'source', context));

export type LatencyConfig = z.output<typeof latencyConfigSchema>;
