import { gzipSync } from 'node:zlib';
import { canonicalJson, obsSignature } from '../../../packages/automation-core/dist/index.js';
import {
  HEARTBEATS,
  type JsonDocument,
  jobIdAt,
  NOW_MS,
  runLogEntry,
  sha256,
  writeDashboardBundle,
  writeHealthyWorkspace,
  writeJson,
  writeRunLog,
  writeSequenceFile,
  writeText,
} from './verify-workspace.js';

export const SIGNING_SECRET = 'trace-test-signing-secret-0123456789abcdef';
const CHAIN_MS = NOW_MS - 30 * 60_000;

export const CHAIN_ID = jobIdAt(CHAIN_MS, 'daily');
export const LATENCY_ID = jobIdAt(CHAIN_MS, 'latency');
export const WEEKLY_ID = jobIdAt(CHAIN_MS, 'weekly');
export const DASHBOARD_ID = jobIdAt(CHAIN_MS, 'dashboard');

export const ARCHIVE = 'ops/signal_latency_archive/2025/10/archive-1.csv.gz';
export const ARCHIVE_MANIFEST = 'ops/signal_latency_archive/manifest.jsonl';
export const WEEKLY_PAYLOAD = 'ops/weekly_report_history/2025-09-29.json';
export const WEEKLY_SIGNATURE = 'ops/weekly_report_history/2025-09-29.sig';
export const WEEKLY_MANIFEST = 'ops/weekly_report_history/manifest.jsonl';

export function payloadChecksum(payload: JsonDocument): string {
  const { payload_checksum_sha256: _checksum, ...content } = payload;
  return sha256(canonicalJson(content)).toUpperCase();
}

/** A delivered weekly report as obs-weekly records it: payload, signature record and manifest line. */
async function writeWeeklyHistory(root: string): Promise<void> {
  const content = {
    schema_version: '1.1.0',
    generated_at: '2025-10-06T11:30:00Z',
    week_start: '2025-09-29',
    runs: [],
  };
  const payload = { ...content, payload_checksum_sha256: payloadChecksum(content) };
  const body = canonicalJson(payload);
  await writeText(root, WEEKLY_PAYLOAD, body);
  await writeJson(root, WEEKLY_SIGNATURE, {
    algorithm: 'hmac-sha256',
    signature: obsSignature(SIGNING_SECRET, body),
    webhook_id: `${WEEKLY_ID}:2025-09-29`,
    timestamp: 1759750200,
    payload_checksum_sha256: payload.payload_checksum_sha256,
  });
  await writeText(
    root,
    WEEKLY_MANIFEST,
    `${JSON.stringify({ event: 'delivered', week_start: '2025-09-29', job_id: WEEKLY_ID, path: WEEKLY_PAYLOAD, checksum_sha256: sha256(body), delivered_at: '2025-10-06T11:30:01Z', webhook_status_code: 200, attempts: 1 })}\n`,
  );
}

async function writeLatencyArchive(root: string): Promise<void> {
  const archive = gzipSync(
    'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail\n2025-09-20T10:00:00Z,router_demo,812.000,12,success,\n',
  );
  await writeText(root, ARCHIVE, archive);
  await writeText(
    root,
    ARCHIVE_MANIFEST,
    `${JSON.stringify({ job_id: LATENCY_ID, path: ARCHIVE, sha256: sha256(archive), row_count: 1, first_ts: '2025-09-20T10:00:00Z', last_ts: '2025-09-20T10:00:00Z', reason: 'retention', rotated_at: new Date(CHAIN_MS).toISOString() })}\n`,
  );
}

/**
 * A healthy workspace whose log ends with an obs-daily chain (latency, weekly, dashboard) and
 * whose artefacts carry checksums: a latency archive, a delivered weekly report, a dashboard
 * bundle. `childStatus` changes one child's entry.
 */
export async function writeTracedChain(
  root: string,
  childStatus: Partial<Record<'latency' | 'weekly' | 'dashboard', JsonDocument>> = {},
): Promise<JsonDocument[]> {
  const history = await writeHealthyWorkspace(root, 3);
  await writeLatencyArchive(root);
  await writeWeeklyHistory(root);
  const dashboardArtefacts = await writeDashboardBundle(root, DASHBOARD_ID, 1);
  const children = [
    { job: 'latency', job_id: LATENCY_ID, artefacts: [ARCHIVE, ARCHIVE_MANIFEST, HEARTBEATS.latency] },
    {
      job: 'weekly',
      job_id: WEEKLY_ID,
      artefacts: [WEEKLY_PAYLOAD, WEEKLY_SIGNATURE, WEEKLY_MANIFEST, HEARTBEATS.weekly],
    },
    { job: 'dashboard', job_id: DASHBOARD_ID, artefacts: [...dashboardArtefacts, HEARTBEATS.dashboard] },
  ] as const;
  const entries = children.map((child, index) =>
    runLogEntry({
      sequence: 4 + index,
      job: child.job,
      atMs: CHAIN_MS,
      artefacts: [...child.artefacts],
      parent_job_id: CHAIN_ID,
      ...childStatus[child.job],
    }),
  );
  const chain = runLogEntry({
    sequence: 7,
    job: 'daily',
    atMs: CHAIN_MS,
    artefacts: children.flatMap((child) => child.artefacts),
    summary: {
      jobs: entries.map((entry) => ({ job: entry.job_name, job_id: entry.job_id, status: entry.status })),
    },
  });
  const log = [...history, ...entries, chain];
  await writeRunLog(root, log);
  await writeSequenceFile(root, 7);
  return log;
}
