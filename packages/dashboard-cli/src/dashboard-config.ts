import type { JobConfigSpec } from '@obs-automation/core';
import { optionKey } from '@obs-automation/core';
import { z } from 'zod';
import { DASHBOARD_OPTIONS } from './dashboard-options.js';
import { DATASET_NAMES } from './dataset-names.js';

const path = z.string().min(1);

/** `paths:` of dashboard_export.yaml; each key is the snake_case name of a path flag. */
const pathsSchema = z.strictObject({
  output_dir: path.optional(),
  manifest: path.optional(),
  provenance: path.optional(),
  heartbeat_file: path.optional(),
  history_dir: path.optional(),
  archive_manifest: path.optional(),
  runs_root: path.optional(),
  state_archive_root: path.optional(),
  portfolio_telemetry: path.optional(),
  latency_rollup: path.optional(),
  lock_file: path.optional(),
});

const notesSchema = z.strictObject({
  retention_days: z.number().int().min(1).nullable().optional(),
  upload_command: z.string().min(1).nullable().optional(),
});

/**
 * configs/observability/dashboard_export.yaml: the earlier tooling's layout (`datasets`,
 * `paths.*`, `notes.retention_days`, `notes.upload_command`) plus any flag under its snake_case
 * name at the top level. Top-level flag keys are type-checked with the flag's own rules.
 */
const configSchema = z.strictObject({
  datasets: z.array(z.enum(DATASET_NAMES)).min(1).optional(),
  paths: pathsSchema.optional(),
  notes: notesSchema.optional(),
  ...Object.fromEntries(DASHBOARD_OPTIONS.map((spec) => [optionKey(spec.flag), z.unknown().optional()])),
});

export type DashboardConfig = z.output<typeof configSchema>;

/** Flag defaults from the config; a top-level flag key wins over its `paths` / `notes` alias. */
function configFlagDefaults(config: DashboardConfig): Record<string, unknown> {
  const { datasets, paths, notes, ...flagKeys } = config;
  return {
    dataset: datasets,
    ...paths,
    history_retention_days: notes?.retention_days,
    upload_command: notes?.upload_command,
    ...Object.fromEntries(Object.entries(flagKeys).filter(([, value]) => value !== undefined)),
  };
}

export const DASHBOARD_CONFIG: JobConfigSpec<DashboardConfig> = {
  defaultPath: 'configs/observability/dashboard_export.yaml',
  schema: configSchema,
  flagDefaults: configFlagDefaults,
};
