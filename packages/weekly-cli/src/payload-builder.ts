import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type InputFile,
  inputFile,
  type JobContext,
  missingInput,
  type PathResolver,
  readRunDaily,
} from '@obs-automation/core';
import { readRollupWindowsInWeek } from './latency-rollup.js';
import { readPortfolioSection } from './portfolio-summary.js';
import { readOptionalSection, readPendingAlerts } from './side-inputs.js';
import { dailyActivity, readRunsInWeek } from './week-runs.js';
import { readWeekSamples } from './week-samples.js';
import type { WeekWindow } from './week-window.js';
import { weeklyAlerts } from './weekly-alerts.js';
import { longestBreachStreak, weeklyLatency } from './weekly-latency.js';
import type { WeeklyOptions } from './weekly-options.js';
import {
  PAYLOAD_SCHEMA_VERSION,
  sealPayload,
  type WeeklyPayload,
  type WeeklyRun,
  weeklyRun,
} from './weekly-payload.js';

export interface BuiltPayload {
  payload: WeeklyPayload;
  /** what the run summary reports about the inputs (omitted sections, unusable rows and archives) */
  diagnostics: Record<string, unknown>;
}

/** Reads every input of the week and assembles the sealed payload. */
export async function buildWeeklyPayload(
  options: WeeklyOptions,
  context: PathResolver & Pick<JobContext, 'now' | 'checkpoint' | 'root'>,
  week: WeekWindow,
): Promise<BuiltPayload> {
  const input = (path: string) => inputFile(context, path);
  const files = {
    runs_index: input(join(options.runsRoot, 'index.csv')),
    portfolio_summary: input(options.portfolioSummary),
    latency_rollup: input(options.latencyRollup),
    latency_raw: input(options.latencyRaw),
    archive_manifest: input(options.archiveManifest),
    latency_heartbeat: input(options.latencyHeartbeat),
  };
  await requireInputs([files.runs_index, files.portfolio_summary, files.latency_rollup]);
  const diagnostics: Record<string, unknown> = {};
  const sources: Record<string, string> = {
    runs_index: files.runs_index.relative,
    portfolio_summary: files.portfolio_summary.relative,
    latency_rollup: files.latency_rollup.relative,
  };

  const runs = await readRuns(options, context, week, files.runs_index);
  context.checkpoint();
  const portfolio = await readPortfolioSection(files.portfolio_summary);
  const windows = await readRollupWindowsInWeek(files.latency_rollup, week);
  context.checkpoint();
  const samples = await readWeekSamples(context, week, files, sources, diagnostics);
  context.checkpoint();
  const pendingAlerts = await readPendingAlerts(files.latency_heartbeat);
  if (pendingAlerts !== null) sources.latency_heartbeat = files.latency_heartbeat.relative;
  const latency = weeklyLatency(windows, samples, pendingAlerts);

  const optional = await readOptionalSections(options, context, sources);
  if (optional.omitted.length > 0) diagnostics.sections_omitted = optional.omitted;

  const payload = sealPayload({
    schema_version: PAYLOAD_SCHEMA_VERSION,
    generated_at: context.now.toISOString(),
    week_start: week.weekStart,
    week_end: week.weekEnd,
    runs,
    latency,
    portfolio,
    ...optional.sections,
    alerts: weeklyAlerts({
      weekStart: week.weekStart,
      runsIncluded: runs.length,
      latency,
      longestBreachStreak: longestBreachStreak(windows),
      criticalStreak: options.criticalStreak,
      portfolio,
      evidence: {
        runsIndex: files.runs_index.relative,
        latencyRollup: files.latency_rollup.relative,
        latencyHeartbeat: files.latency_heartbeat.relative,
        portfolioSummary: files.portfolio_summary.relative,
      },
      channels: options.channels,
    }),
    sources,
  });
  return { payload, diagnostics };
}

/** The optional sections the config includes, copied as given; absent files are listed. */
async function readOptionalSections(
  options: WeeklyOptions,
  paths: PathResolver,
  sources: Record<string, string>,
): Promise<{
  sections: Pick<WeeklyPayload, 'benchmarks' | 'health'>;
  omitted: { section: string; path: string }[];
}> {
  const sections: Pick<WeeklyPayload, 'benchmarks' | 'health'> = {};
  const omitted: { section: string; path: string }[] = [];
  for (const [section, source, path] of [
    ['benchmarks', 'benchmark_summary', options.benchmarkSummary],
    ['health', 'health_checks', options.healthChecks],
  ] as const) {
    if (!options.include.has(section)) continue;
    const file = inputFile(paths, path);
    const content = await readOptionalSection(file);
    if (content === null) {
      omitted.push({ section, path: file.relative });
      continue;
    }
    sections[section] = content;
    sources[source] = file.relative;
  }
  return { sections, omitted };
}

/** All required inputs are checked first, so one run names every missing file. */
async function requireInputs(required: readonly InputFile[]): Promise<void> {
  const missing: string[] = [];
  for (const file of required) {
    try {
      await access(file.path);
    } catch {
      missing.push(file.relative);
    }
  }
  if (missing.length > 0) throw missingInput(missing);
}

async function readRuns(
  options: WeeklyOptions,
  paths: PathResolver,
  week: WeekWindow,
  index: InputFile,
): Promise<WeeklyRun[]> {
  const runs: WeeklyRun[] = [];
  for (const run of await readRunsInWeek(index, week)) {
    const daily = await readRunDaily(run, options.runsRoot, paths);
    runs.push(weeklyRun(run, dailyActivity(daily?.days ?? null)));
  }
  return runs;
}
