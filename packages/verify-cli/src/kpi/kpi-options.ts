import {
  custom,
  defineOptions,
  expectedButGot,
  isoSeconds,
  type OptionValues,
  optionType,
  parseTimestamp,
  path,
  type ResolvedInput,
  timestamp,
  usageError,
  WORKSPACE_LAYOUT,
} from '@obs-automation/core';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const SINCE_DURATION = /^([1-9][0-9]{0,5})([mhdw])$/;

/** Where a KPI window starts: a length of time back from `--until`, or an instant. */
export type WindowStart = { kind: 'duration'; text: string; ms: number } | { kind: 'instant'; at: Date };

/** `7d`, `24h`, `90m`, `2w`, or an ISO-8601 date or timestamp (no zone is UTC); null otherwise. */
export function parseWindowStart(text: string): WindowStart | null {
  const duration = SINCE_DURATION.exec(text.trim());
  if (duration) {
    return {
      kind: 'duration',
      text: text.trim(),
      ms: Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS],
    };
  }
  const at = parseTimestamp(text);
  return at ? { kind: 'instant', at } : null;
}

const windowStartType = optionType<WindowStart>(
  '<duration|date>',
  (value) => {
    const start = typeof value === 'string' ? parseWindowStart(value) : null;
    return start
      ? { value: start }
      : expectedButGot('a duration such as 7d, 24h, 90m or 2w, or an ISO-8601 date or timestamp', value);
  },
  { show: (start) => (start.kind === 'duration' ? start.text : start.at.toISOString()) },
);

export const KPI_OPTIONS = defineOptions({
  since: custom(
    windowStartType,
    'start of the period: a length of time back from --until (7d, 24h, 90m, 2w) or a date',
    {
      defaultLabel: 'none, required',
      inConfig: false,
    },
  ),
  until: timestamp('end of the period (exclusive)', { defaultLabel: '--now', inConfig: false }),
  outDir: path('folder of the Markdown report <from>_<until>.md', {
    value: '<dir>',
    default: WORKSPACE_LAYOUT.kpiReportDir,
    inConfig: false,
  }),
});

type KpiValues = OptionValues<typeof KPI_OPTIONS.declarations>;

/** The period [from, until): `--since` is required and must come before `--until`. */
export function finalizeKpiOptions({ values, now }: ResolvedInput<KpiValues, unknown>) {
  if (values.since === undefined) {
    throw usageError('--since is required: a duration such as 7d, or a date such as 2025-10-01', {
      flag: '--since',
    });
  }
  const until = values.until ?? now;
  const from =
    values.since.kind === 'duration' ? new Date(until.getTime() - values.since.ms) : values.since.at;
  if (from.getTime() >= until.getTime()) {
    throw usageError(
      `--since ${isoSeconds(from)} is not before --until ${isoSeconds(until)}: the period is empty`,
      {
        flag: '--since',
      },
    );
  }
  return { outDir: values.outDir, from, until, now };
}

export type KpiOptions = ReturnType<typeof finalizeKpiOptions>;
