import { access } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DIAGNOSTIC_LINES_SHOWN,
  type InputFile,
  inputFile,
  type JobContext,
  missingInput,
  openInputStream,
  type PathResolver,
  readRunDaily,
} from '@obs-automation/core';
import { archivesOverlapping, readArchiveSamples, type UnusableArchive } from './latency-archives.js';
import { readRollupWindowsInWeek } from './latency-rollup.js';
import { type LatencySample, readWeekSamples, type SkippedRows } from './latency-samples.js';
import { readPortfolioSection } from './portfolio-summary.js';
import { mergeSampleFiles } from './sample-merge.js';
import { readOptionalSection, readPendingAlerts } from './side-inputs.js';
import { dailyActivity, readRunsInWeek } from './week-runs.js';
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
  context: PathResolver & Pick<JobContext, 'now' | 'checkpoint'>,
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
  const samples = await readSamples(context, week, files, sources, diagnostics);
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

async function readSamples(
  paths: PathResolver,
  week: WeekWindow,
  files: { latency_raw: InputFile; archive_manifest: InputFile },
  sources: Record<string, string>,
  diagnostics: Record<string, unknown>,
): Promise<LatencySample[]> {
  const perFile: LatencySample[][] = [];
  const skipped: SkippedRows[] = [];
  const rawSource = await openInputStream(files.latency_raw);
  if (rawSource) {
    sources.latency_raw = files.latency_raw.relative;
    const raw = await readWeekSamples(rawSource, files.latency_raw.relative, week);
    perFile.push(raw.samples);
    skipped.push(raw.skipped);
  }
  const { entries: archives, issues } = await archivesOverlapping(files.archive_manifest, week);
  if (archives.length > 0) sources.archive_manifest = files.archive_manifest.relative;
  if (issues.length > 0) {
    diagnostics.archive_manifest_issues = {
      file: files.archive_manifest.relative,
      count: issues.length,
      lines: issues.slice(0, DIAGNOSTIC_LINES_SHOWN),
    };
  }
  const unusable: UnusableArchive[] = [];
  for (const archive of archives) {
    const read = await readArchiveSamples(inputFile(paths, archive.path), archive.sha256, week);
    if ('reason' in read) {
      unusable.push(read);
      continue;
    }
    perFile.push(read.samples);
    skipped.push(read.skipped);
  }
  const unusableRows = skipped.filter((entry) => entry.count > 0);
  if (unusableRows.length > 0) diagnostics.latency_rows_skipped = unusableRows;
  if (unusable.length > 0) diagnostics.latency_archives_unusable = unusable;
  return mergeSampleFiles(perFile);
}
