import { jobConfigSchema } from '@obs-automation/core/config-schema';
import { STATUS_OPTIONS } from './status-options.js';

/** status.yaml, validated strictly: one key per option of obs-status (--watch excepted). */
export const statusConfigSchema = jobConfigSchema([STATUS_OPTIONS], {});
