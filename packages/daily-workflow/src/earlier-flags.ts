import { renamedFlag } from '@obs-automation/core';

/** Flags of the earlier scripts/run_daily_workflow.py --observability that obs-daily maps (docs/migration.md). */
export const DAILY_EARLIER_FLAGS = [renamedFlag('--observability-config', '--config')];
