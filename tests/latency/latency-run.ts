import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { BIN, type CliResult, cleanEnv, type RunCliOptions, runCli } from '../support/cli-process.js';
import { countedArchiveTexts } from '../support/counted-archives.js';

export const RAW = 'ops/signal_latency.csv';
export const ROLLUP = 'ops/signal_latency_rollup.csv';
export const MANIFEST = 'ops/signal_latency_archive/manifest.jsonl';
export const REJECTS = 'ops/signal_latency_rejects.csv';
export const HEARTBEAT = 'ops/latency_job_heartbeat.json';
export const HEADER = 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail';
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
export type JsonDocument = Record<string, any>;

/** Runs the built obs-latency on a workspace. */
export function runLatency(
  root: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  options: RunCliOptions = {},
): Promise<CliResult> {
  return runCli(BIN.latency, ['--root', root, ...args], { ...options, env: cleanEnv(env) });
}

/** Runs `obs-latency record` on a workspace. */
export function runRecord(
  root: string,
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  return runCli(BIN.latency, ['record', '--root', root, ...args], { ...options, env: cleanEnv(options.env) });
}

export interface Sample {
  at: number;
  source?: string;
  latency: number;
  status?: string;
  /** used as a unique id in the tests that count samples */
  detail?: string;
}

export function sampleLine(sample: Sample): string {
  return [
    new Date(sample.at).toISOString(),
    sample.source ?? 'router_demo',
    sample.latency,
    '',
    sample.status ?? 'success',
    sample.detail ?? '',
  ].join(',');
}

export async function writeText(root: string, path: string, text: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

export async function writeRaw(root: string, samples: readonly Sample[]): Promise<void> {
  await writeText(root, RAW, `${[HEADER, ...samples.map(sampleLine)].join('\n')}\n`);
}

export async function readText(root: string, path: string): Promise<string> {
  return readFile(join(root, path), 'utf8');
}

export async function readJson(root: string, path: string): Promise<JsonDocument> {
  return JSON.parse(await readText(root, path)) as JsonDocument;
}

export async function readJsonLines(root: string, path: string): Promise<JsonDocument[]> {
  return (await readText(root, path))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonDocument);
}

/** Data rows of a CSV text (our test rows never need quoting). */
function dataRows(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line !== '');
}

/**
 * Every sample row stored in the raw file and in the archives the manifest counts — read with
 * this file's own plain reader, not the package's, each archive as far as its line covers it —
 * sorted, so two stores compare as multisets.
 */
export async function storedRows(root: string): Promise<string[]> {
  const rows = dataRows(await readText(root, RAW).catch(() => ''));
  for (const text of await countedArchiveTexts(root)) rows.push(...dataRows(text));
  return rows.sort();
}

/** Archive files present on disk, as root-relative paths. */
export async function archiveFiles(root: string): Promise<string[]> {
  const dir = join(root, 'ops/signal_latency_archive');
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries
    .filter((name) => name.endsWith('.csv.gz'))
    .map((name) => relative(root, join(dir, name)))
    .sort();
}

/** Rollup rows keyed by window start, each as its CSV fields by header name. */
export async function readRollupRows(root: string): Promise<Record<string, string>[]> {
  const [header, ...rows] = (await readText(root, ROLLUP)).trim().split('\n');
  const names = (header as string).split(',');
  return rows.map((line) => Object.fromEntries(line.split(',').map((value, index) => [names[index], value])));
}

/** Samples every `stepMinutes` from `from` (inclusive) to `to` (exclusive). */
export function series(
  from: number,
  to: number,
  stepMinutes: number,
  latency: (at: number, index: number) => number,
  extra: Partial<Sample> = {},
): Sample[] {
  const samples: Sample[] = [];
  for (let at = from, index = 0; at < to; at += stepMinutes * MINUTE, index += 1) {
    samples.push({ at, latency: latency(at, index), ...extra });
  }
  return samples;
}
