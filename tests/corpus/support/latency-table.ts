import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN } from '../../support/cli-process.js';
import { csvLines } from './bad-inputs.js';
import type { CorpusCase, CorpusTable, FinishedCase } from './corpus-case.js';
import { LATENCY_RAW, LATENCY_RAW_STORE, LATENCY_REJECTS, rejectedRows } from './latency-row-store.js';
import { type MessageExpectation, namesFileAndLine } from './message-expectation.js';

export const LATENCY_CONFIG = 'configs/observability/latency.yaml';
export const LATENCY_ALERT_CONFIG = 'configs/observability/latency_alert.yaml';
export const LATENCY_HEARTBEAT = 'ops/latency_job_heartbeat.json';
export const LATENCY_ROLLUP = 'ops/signal_latency_rollup.csv';
/** What `obs-latency record --from-jsonl` reads in the cases. */
export const SAMPLES_JSONL = 'ops/incoming/samples.jsonl';
export const RAW_HEADER = 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail';
/** Six samples over the three hours before the clock: lines 2–7 of the raw file. */
export const BASE_ROWS = [
  '2025-10-06T09:05:00Z,router_demo,120,,success,',
  '2025-10-06T09:35:00Z,router_demo,180,,success,',
  '2025-10-06T10:05:00Z,router_demo,150,,success,',
  '2025-10-06T10:35:00Z,broker_api,210,,success,',
  '2025-10-06T11:05:00Z,router_demo,130,,success,',
  '2025-10-06T11:35:00Z,broker_api,6200,,timeout,',
];

async function writeLatencyWorkspace(root: string): Promise<void> {
  await mkdir(join(root, 'ops'), { recursive: true });
  await writeFile(join(root, LATENCY_RAW), csvLines(RAW_HEADER, BASE_ROWS));
}

/** How the latency tables run obs-latency: a dry run of the alerts, the raw file's rows accounted for. */
export const LATENCY_TABLE: Omit<CorpusTable, 'title' | 'cases'> = {
  binary: BIN.latency,
  now: '2025-10-06T12:00:00Z',
  args: ['--dry-run-alert'],
  base: writeLatencyWorkspace,
  outputs: (path) => path === LATENCY_HEARTBEAT || path === LATENCY_ROLLUP,
  rowStores: [LATENCY_RAW_STORE],
};

/** The run accepts every row: `samples` are analysed and nothing is rejected. */
export function accepted(name: string, files: CorpusCase['files'], samples = BASE_ROWS.length): CorpusCase {
  return {
    name,
    files,
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    summary: { samples_analyzed: samples, rows_rejected: 0 },
  };
}

/**
 * The run goes on without the rows that cannot be read: each is moved to the rejects file with
 * its line (and reason), counted in rows_rejected and listed in the diagnostics.
 */
export function rejected(name: string, files: CorpusCase['files'], lines: readonly number[]): CorpusCase {
  return {
    name,
    files,
    exit: 0,
    status: 'dry_run',
    errorCode: null,
    summary: { rows_rejected: lines.length },
    check: async ({ root, summary, expect }: FinishedCase) => {
      expect(summary.diagnostics.rejects.map((item: { line: number }) => item.line)).toEqual(lines);
      expect(summary.artefacts).toContain(LATENCY_REJECTS);
      expect(await rejectedRows(root)).toHaveLength(lines.length);
    },
  };
}

/** An input the run cannot read at all: exit 1, `input_unreadable`, the input left as it was. */
export function unreadable(
  name: string,
  files: CorpusCase['files'],
  message: MessageExpectation,
): CorpusCase {
  return { name, files, exit: 1, status: 'error', errorCode: 'input_unreadable', message };
}

/** One sample as `record --from-jsonl` reads it. */
export function sampleLine(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    source: 'router_demo',
    latency_ms: 120,
    timestamp: '2025-10-06T11:58:00Z',
    ...fields,
  });
}

/**
 * `obs-latency record --from-jsonl`: every JSON line becomes a sample or a rejected row (kept in
 * the rejects file with its line), nothing is dropped; rejects make the run a warning whose
 * message names the file and (unless `message` says otherwise) the first rejected line.
 */
export function recordCase(
  name: string,
  jsonl: string | Buffer,
  expected: { written: number; rejected: readonly number[] },
  message?: MessageExpectation,
): CorpusCase {
  const [firstRejected] = expected.rejected;
  return {
    name,
    command: ['record'],
    files: { [SAMPLES_JSONL]: jsonl },
    args: ['--from-jsonl', SAMPLES_JSONL],
    ownArgsOnly: true,
    exit: 0,
    status: firstRejected === undefined ? 'ok' : 'warning',
    errorCode: firstRejected === undefined ? null : 'rows_rejected',
    message:
      message ?? (firstRejected === undefined ? undefined : namesFileAndLine(SAMPLES_JSONL, firstRejected)),
    summary: { samples_written: expected.written, rows_rejected: expected.rejected.length },
    check: async ({ root, expect }) => {
      expect(await rejectedRows(root)).toHaveLength(expected.rejected.length);
    },
  };
}
