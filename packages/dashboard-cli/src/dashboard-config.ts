import { type JobConfigSpec, jobConfigSchema, optionConfigShape, registeredJob } from '@obs-automation/core';
import * as z from 'zod';
import { DASHBOARD_OPTIONS } from './dashboard-options.js';
import { pageSettingsSchema } from './page/page-settings.js';

const { declarations } = DASHBOARD_OPTIONS;

/**
 * configs/observability/dashboard_export.yaml: the earlier tooling's layout (`datasets`,
 * `paths.*`, `notes.retention_days`, `notes.upload_command`) plus any flag under its snake_case
 * name at the top level, and the dashboard page's thresholds (`page`). Every value is checked with
 * its flag's own rules.
 */
const configSchema = jobConfigSchema([DASHBOARD_OPTIONS], {
  datasets: declarations.dataset.type.schema.optional(),
  paths: z
    .strictObject(
      optionConfigShape(DASHBOARD_OPTIONS, [
        'outputDir',
        'manifest',
        'provenance',
        'heartbeatFile',
        'historyDir',
        'archiveManifest',
        'runsRoot',
        'stateArchiveRoot',
        'portfolioTelemetry',
        'latencyRollup',
        'lockFile',
      ]),
    )
    .optional(),
  notes: z
    .strictObject({
      retention_days: declarations.historyRetentionDays.type.schema.nullish(),
      upload_command: declarations.uploadCommand.type.schema.nullish(),
    })
    .optional(),
  page: pageSettingsSchema.optional(),
});

export type DashboardConfig = z.output<typeof configSchema>;

/** Flag defaults from the config; a top-level flag key wins over its `paths` / `notes` alias. */
function configFlagDefaults(config: DashboardConfig): Record<string, unknown> {
  const { datasets, paths, notes, page: _page, ...flagKeys } = config;
  return {
    dataset: datasets,
    ...paths,
    history_retention_days: notes?.retention_days,
    upload_command: notes?.upload_command,
    ...Object.fromEntries(
      Object.entries(flagKeys).filter(([, value]) => value !== undefined && value !== null),
    ),
  };
}

export const DASHBOARD_CONFIG: JobConfigSpec<DashboardConfig> = {
  defaultPath: registeredJob('dashboard').configFile,
  schema: configSchema,
  flagDefaults: configFlagDefaults,
};
