import type { JobDefinition } from '@obs-automation/core';
import { WEEKLY_EARLIER_FLAGS } from './earlier-flags.js';
import type { WeeklyConfig } from './weekly-config.js';
import { weeklyMetrics } from './weekly-metrics.js';
import {
  finalizeWeeklyOptions,
  WEEKLY_CONFIG,
  WEEKLY_OPTIONS,
  type WeeklyOptions,
} from './weekly-options.js';
import { weeklySummaryFacts } from './weekly-summary-facts.js';

export const weeklyJob: JobDefinition<typeof WEEKLY_OPTIONS.declarations, WeeklyOptions, WeeklyConfig> = {
  name: 'weekly',
  describeSummary: weeklySummaryFacts,
  description:
    'Builds the weekly health report (runs, latency, portfolio, alerts) of the week whose send time ' +
    '(send_at, default Saturday 23:30 UTC) last passed, validates it against its JSON Schema and ' +
    'delivers it once to a signed webhook, catching up missed weeks and keeping a 60-day history.',
  examples: [
    'obs-weekly --dry-run',
    'OBS_WEEKLY_WEBHOOK_URL=https://hooks.example/weekly OBS_WEBHOOK_SECRET=… obs-weekly',
    'obs-weekly --week-start 2026-06-22 --force-send',
  ],
  options: WEEKLY_OPTIONS,
  flagMigrations: WEEKLY_EARLIER_FLAGS,
  config: WEEKLY_CONFIG,
  lockFile: (options) => options.lockFile,
  heartbeatFile: (options) => options.heartbeatFile,
  metrics: weeklyMetrics,
  finalize: finalizeWeeklyOptions,
  configDump: (options, dump) => ({ ...dump, schedule: describeSchedule(options) }),
  // The run and its validators load when a run starts: --help never pays for them.
  run: async (options, context) => (await import('./weekly-run.js')).runWeekly(options, context),
};

/** What --config-dump shows of the schedule the config resolves to. */
function describeSchedule(options: WeeklyOptions): Record<string, unknown> {
  return options.schedule.mode === 'send_at'
    ? { mode: 'send_at', due: options.schedule.label, catch_up_weeks: options.catchUpWeeks }
    : { mode: 'week: previous', due: options.schedule.label, catch_up_weeks: 0 };
}
