import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BIN, type CliResult, cleanEnv, runCli } from '../../support/cli-process.js';

/** The clock of every verification fixture. */
export const NOW = '2025-10-06T12:00:00Z';
export const NOW_MS = Date.parse(NOW);
const MINUTE_MS = 60_000;

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
export type JsonDocument = Record<string, any>;

export function compactStamp(atMs: number): string {
  return new Date(atMs)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function jobIdAt(atMs: number, jobName: string): string {
  return `${compactStamp(atMs)}-${jobName}`;
}

export interface EntryFields {
  sequence?: number;
  job?: string;
  atMs?: number;
  status?: string;
  [field: string]: unknown;
}

/** A run log entry valid against automation_run.schema.json. */
export function runLogEntry(fields: EntryFields = {}): JsonDocument {
  const { sequence, job = 'latency', atMs = NOW_MS - 60 * MINUTE_MS, status = 'ok', ...rest } = fields;
  const at = new Date(atMs).toISOString();
  return {
    job_id: jobIdAt(atMs, job),
    job_name: job,
    status,
    ...(sequence === undefined ? {} : { sequence }),
    logged_at: at,
    started_at: at,
    duration_ms: 42,
    attempts: 1,
    artefacts: [],
    alerts: [],
    diagnostics: {},
    context: { commit_sha: 'test-sha', environment: 'production', scheduler: 'cron' },
    ...rest,
  };
}

/** `count` consecutive entries, sequences 1..count, a minute apart, ending an hour before NOW. */
export function consecutiveEntries(count: number): JsonDocument[] {
  return Array.from({ length: count }, (_, index) =>
    runLogEntry({
      sequence: index + 1,
      job: ['latency', 'weekly', 'dashboard'][index % 3],
      atMs: NOW_MS - (60 + count - index) * MINUTE_MS,
    }),
  );
}

export async function writeText(root: string, path: string, text: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

export async function writeJson(root: string, path: string, value: unknown): Promise<void> {
  await writeText(root, path, `${JSON.stringify(value, null, 2)}\n`);
}

export const LOG = 'ops/automation_runs.log';
export const SEQUENCE = 'ops/automation_runs.sequence';

/** Writes the run log from entries (objects are serialised, strings written as they are). */
export async function writeRunLog(root: string, lines: readonly (JsonDocument | string)[]): Promise<void> {
  const text = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n');
  await writeText(root, LOG, lines.length === 0 ? '' : `${text}\n`);
}

export async function writeSequenceFile(root: string, value: number): Promise<void> {
  await writeText(root, SEQUENCE, `${JSON.stringify({ value, updated_at: NOW })}\n`);
}

/** The heartbeats obs-verify checks by default: every job's but its own. */
export const HEARTBEATS = {
  latency: 'ops/latency_job_heartbeat.json',
  weekly: 'ops/weekly_report_heartbeat.json',
  dashboard: 'ops/dashboard_export_heartbeat.json',
  daily: 'ops/daily_heartbeat.json',
} as const;

export async function writeHeartbeat(root: string, path: string, fields: JsonDocument = {}): Promise<void> {
  const at = new Date(NOW_MS - 30 * MINUTE_MS).toISOString();
  const job = (['latency', 'weekly', 'daily'] as const).find((name) => path.includes(name)) ?? 'dashboard';
  await writeJson(root, path, {
    job_id: jobIdAt(NOW_MS - 30 * MINUTE_MS, job),
    status: 'ok',
    generated_at: at,
    last_success_at: at,
    last_failure: null,
    ...fields,
  });
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export const DASHBOARD_MANIFEST = 'out/dashboard/manifest.json';

/** A dashboard bundle valid against dashboard_manifest.schema.json: two datasets and the manifest. */
export async function writeDashboardBundle(root: string, jobId: string, sequence = 1): Promise<string[]> {
  const generatedAt = new Date(NOW_MS - 30 * MINUTE_MS).toISOString();
  const datasets = [];
  for (const [dataset, rows] of [
    ['ev_history', [{ strategy: 'day_orb', ev_alpha: 26.1 }]],
    [
      'latency',
      [
        { window_start: '2025-10-06T10:00:00Z', p95_ms: 880 },
        { window_start: '2025-10-06T11:00:00Z', p95_ms: 910 },
      ],
    ],
  ] as const) {
    const text = `${JSON.stringify({ dataset, schema_version: '1.0', generated_at: generatedAt, job_id: jobId, rows }, null, 2)}\n`;
    await writeText(root, `out/dashboard/${dataset}.json`, text);
    datasets.push({
      dataset,
      path: `${dataset}.json`,
      checksum_sha256: sha256(text),
      row_count: rows.length,
      generated_at: generatedAt,
      source_hash: sha256(dataset),
    });
  }
  await writeJson(root, DASHBOARD_MANIFEST, {
    schema_version: '1.0',
    sequence,
    generated_at: generatedAt,
    job_id: jobId,
    datasets,
    provenance: {
      command: 'obs-dashboard',
      commit_sha: 'test-sha',
      inputs: ['runs/index.csv'],
      environment: 'production',
    },
  });
  return ['out/dashboard/ev_history.json', 'out/dashboard/latency.json', DASHBOARD_MANIFEST];
}

/**
 * A workspace every default check passes on: a log of `entries` consecutive entries with its
 * sequence file, three fresh heartbeats and a valid dashboard bundle.
 */
export async function writeHealthyWorkspace(root: string, entries = 6): Promise<JsonDocument[]> {
  const log = consecutiveEntries(entries);
  await writeRunLog(root, log);
  await writeSequenceFile(root, entries);
  for (const path of Object.values(HEARTBEATS)) await writeHeartbeat(root, path);
  await writeDashboardBundle(root, jobIdAt(NOW_MS - 30 * MINUTE_MS, 'dashboard'));
  return log;
}

/** Runs the built obs-verify on a workspace with the fixture clock. */
export function runVerify(
  root: string,
  args: readonly string[] = [],
  options: { now?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return runCli(BIN.verify, [...args, '--root', root, '--now', options.now ?? NOW], {
    env: cleanEnv(options.env),
  });
}

export async function readJsonLines(root: string, path: string): Promise<JsonDocument[]> {
  const text = await readFile(join(root, path), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JsonDocument);
}

export function checkNamed(report: JsonDocument, name: string): JsonDocument[] {
  return (report.checks as JsonDocument[]).filter((check) => check.name === name);
}

export function failureCodes(report: JsonDocument): string[] {
  return (report.failures as JsonDocument[]).map((failure) => failure.error_code as string);
}
