import { jobConfigSchema, optionConfigShape, optionSchema } from '@obs-automation/core/config-schema';
import * as z from '@obs-automation/core/zod';
import { DASHBOARD_OPTIONS } from './dashboard-options.js';
import { pageSettingsSchema } from './page/page-settings.js';

const { declarations } = DASHBOARD_OPTIONS;

/**
 * configs/observability/dashboard_export.yaml: the earlier tooling's layout (`datasets`,
 * `paths.*`, `notes.retention_days`, `notes.upload_command`) plus any flag under its snake_case
 * name at the top level, and the dashboard page's thresholds (`page`). Every value is checked with
 * its flag's own rules.
 */
export const dashboardConfigSchema = jobConfigSchema([DASHBOARD_OPTIONS], {
  datasets: optionSchema(declarations.dataset.type).optional(),
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
      retention_days: optionSchema(declarations.historyRetentionDays.type).nullish(),
      upload_command: optionSchema(declarations.uploadCommand.type).nullish(),
    })
    .optional(),
  page: pageSettingsSchema.optional(),
});

export type DashboardConfig = z.output<typeof dashboardConfigSchema>;
