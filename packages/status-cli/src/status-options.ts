import {
  custom,
  defineOptions,
  durationText,
  expectedButGot,
  type JobConfigSpec,
  list,
  type OptionValues,
  optionType,
  optionTypes,
  parseDuration,
  path,
  positive,
  registeredJob,
  SCHEDULED_JOBS,
  WORKSPACE_LAYOUT,
} from '@obs-automation/core';

const JOB_NAMES = SCHEDULED_JOBS.map((job) => job.name);

/** One per-job staleness threshold: `weekly=6h`. */
export interface StaleAfter {
  job: string;
  seconds: number;
  text: string;
}

const staleAfterType = optionType<StaleAfter>(
  '<job>=<n>m|<n>h',
  (value) => {
    const match = typeof value === 'string' ? /^([a-z]+)=(.+)$/.exec(value.trim()) : null;
    const duration = match ? parseDuration(match[2] as string) : null;
    return match && duration && JOB_NAMES.includes(match[1] as string)
      ? { value: { job: match[1] as string, seconds: duration.ms / 1000, text: value as string } }
      : expectedButGot(`<job>=<n>m or <job>=<n>h, the job one of ${JOB_NAMES.join(', ')}`, value);
  },
  { show: (item) => item.text },
);

export const STATUS_OPTIONS = defineOptions({
  jobs: custom(optionTypes.nameList(JOB_NAMES), 'comma-separated jobs to judge', {
    default: JOB_NAMES,
    defaultLabel: JOB_NAMES.join(','),
  }),
  staleAfter: list(staleAfterType, "a job's staleness threshold, replacing its schedule's; repeatable", {
    defaultLabel: SCHEDULED_JOBS.map(
      (job) => `${job.name}=${durationText(job.schedule.staleAfterSeconds)}`,
    ).join(', '),
  }),
  dashboardManifest: path('dashboard bundle manifest, for its sequence and age', {
    default: WORKSPACE_LAYOUT.dashboardManifest,
  }),
  watch: positive('redraw every <seconds> on a terminal until Ctrl-C', {
    value: '<seconds>',
    defaultLabel: 'off: print once',
    inConfig: false,
  }),
});

export type StatusOptions = OptionValues<typeof STATUS_OPTIONS.declarations>;

/** status.yaml: a default for every option but --watch. Without the file no validator is loaded. */
export const STATUS_CONFIG: JobConfigSpec<Record<string, unknown>> = {
  defaultPath: registeredJob('status').configFile,
  loadSchema: async () => (await import('./status-config.js')).statusConfigSchema,
  whenAbsent: {},
};
