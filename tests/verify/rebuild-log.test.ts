import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, REFERENCE_WORKSPACE } from '../support/cli-process.js';
import {
  checkNamed,
  consecutiveEntries,
  HEARTBEATS,
  type JsonDocument,
  jobIdAt,
  LOG,
  NOW_MS,
  readJsonLines,
  runVerify,
  SEQUENCE,
  writeDashboardBundle,
  writeHeartbeat,
  writeSequenceFile,
  writeText,
} from './support/verify-workspace.js';

/** The damaged workspace keeps the heartbeats of the three jobs it ran alone, without the chain. */
const JOB_HEARTBEATS = [HEARTBEATS.latency, HEARTBEATS.weekly, HEARTBEATS.dashboard].flatMap((file) => [
  '--heartbeat',
  file,
]);

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-verify-rebuild-'));
});
afterEach(() => cleanup());

const MINUTE = 60_000;
const CORRUPT_LINES = ['{"job_id":"20251006T100000Z-latency","status":', '{"job_id":"bad id","status":"ok"}'];
/** Bytes that are not UTF-8: they must survive into <log>.corrupt exactly. */
const BINARY_LINE = Buffer.from([0x00, 0x01, 0x62, 0x69, 0x6e, 0xff, 0xfe, 0x80]);

/**
 * Six valid entries with three corrupt lines among them, and artefacts recording five runs the
 * log lacks: the three heartbeats' runs (the dashboard one also in the manifest), a latency
 * archive and a weekly delivery. The archive manifest also records a run the log has.
 */
async function writeDamagedWorkspace(): Promise<{ entries: JsonDocument[]; lost: Record<string, string> }> {
  const entries = consecutiveEntries(6);
  const [a, b, c, d, e, f] = entries;
  const text = (item: JsonDocument | string | undefined) =>
    typeof item === 'string' ? item : JSON.stringify(item);
  await writeText(
    root,
    LOG,
    Buffer.concat([
      Buffer.from(`${[a, CORRUPT_LINES[0], b, c].map(text).join('\n')}\n`),
      BINARY_LINE,
      Buffer.from(`\n${[d, e, CORRUPT_LINES[1], f].map(text).join('\n')}\n`),
    ]),
  );
  await writeSequenceFile(root, 6);
  const lost = {
    latency: jobIdAt(NOW_MS - 30 * MINUTE, 'latency'),
    weekly: jobIdAt(NOW_MS - 25 * MINUTE, 'weekly'),
    dashboard: jobIdAt(NOW_MS - 20 * MINUTE, 'dashboard'),
    archiving: jobIdAt(NOW_MS - 200 * MINUTE, 'latency'),
    delivery: jobIdAt(NOW_MS - 190 * MINUTE, 'weekly'),
  };
  const at = (ms: number) => new Date(ms).toISOString();
  await writeHeartbeat(root, HEARTBEATS.latency, {
    job_id: lost.latency,
    generated_at: at(NOW_MS - 30 * MINUTE),
  });
  await writeHeartbeat(root, HEARTBEATS.weekly, {
    job_id: lost.weekly,
    generated_at: at(NOW_MS - 25 * MINUTE),
  });
  await writeHeartbeat(root, HEARTBEATS.dashboard, {
    job_id: lost.dashboard,
    status: 'warning',
    generated_at: at(NOW_MS - 20 * MINUTE),
  });
  await writeDashboardBundle(root, lost.dashboard);
  const archiveLine = (jobId: string, path: string) =>
    JSON.stringify({
      job_id: jobId,
      path,
      sha256: '0'.repeat(64),
      row_count: 3,
      first_ts: at(NOW_MS - 20 * 86_400_000),
      last_ts: at(NOW_MS - 19 * 86_400_000),
      reason: 'retention',
      rotated_at: at(NOW_MS - 200 * MINUTE),
    });
  await writeText(
    root,
    'ops/signal_latency_archive/manifest.jsonl',
    `${archiveLine(lost.archiving, 'ops/signal_latency_archive/2025/10/a.csv.gz')}\n${archiveLine(a?.job_id, 'ops/signal_latency_archive/2025/10/b.csv.gz')}\n`,
  );
  await writeText(
    root,
    'ops/weekly_report_history/manifest.jsonl',
    `${JSON.stringify({ event: 'delivered', week_start: '2025-09-29', job_id: lost.delivery, path: 'ops/weekly_report_history/2025-09-29.json', checksum_sha256: '0'.repeat(64), delivered_at: at(NOW_MS - 190 * MINUTE), webhook_status_code: 200, attempts: 2 })}\n`,
  );
  return { entries, lost };
}

describe('obs-verify rebuild-log', () => {
  it('keeps valid lines, sets corrupt ones aside and reconstructs the runs the log lacks', async () => {
    const { entries, lost } = await writeDamagedWorkspace();
    const original = await readFile(join(root, LOG));
    const result = await runVerify(root, ['rebuild-log']);
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary).toMatchObject({
      status: 'warning',
      kept: 6,
      corrupt: 3,
      reconstructed: 5,
      output: `${LOG}.rebuilt`,
      applied: false,
      last_sequence: 11,
      corrupt_file: `${LOG}.corrupt`,
    });

    const corrupt = await readJsonLines(root, `${LOG}.corrupt`);
    expect(corrupt.map((record) => record.line)).toEqual([2, 5, 8]);
    expect(corrupt[0]).toMatchObject({
      text: CORRUPT_LINES[0],
      reason: expect.stringContaining('not_json: '),
    });
    expect(corrupt[1]?.base64).toBe(BINARY_LINE.toString('base64'));
    expect(corrupt[2]).toMatchObject({
      text: CORRUPT_LINES[1],
      reason: expect.stringContaining('schema_invalid: '),
    });

    const rebuilt = await readJsonLines(root, `${LOG}.rebuilt`);
    expect(rebuilt.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const times = rebuilt.map((entry) => Date.parse(entry.logged_at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    const reconstructed = rebuilt.filter((entry) => entry.diagnostics.reconstructed === true);
    expect(reconstructed.map((entry) => entry.job_id).sort()).toEqual(Object.values(lost).sort());
    expect(rebuilt.filter((entry) => !entry.diagnostics.reconstructed).map((entry) => entry.job_id)).toEqual(
      entries.map((entry) => entry.job_id),
    );
    const dashboard = reconstructed.find((entry) => entry.job_id === lost.dashboard);
    expect(dashboard).toMatchObject({
      status: 'warning',
      diagnostics: { reconstructed_from: [HEARTBEATS.dashboard, 'out/dashboard/manifest.json'] },
    });
    expect(dashboard?.artefacts).toEqual(
      expect.arrayContaining(['out/dashboard/latency.json', HEARTBEATS.dashboard]),
    );
    expect(reconstructed.find((entry) => entry.job_id === lost.delivery)).toMatchObject({
      status: 'ok',
      attempts: 2,
      summary: { week_start: '2025-09-29', delivered: true },
    });

    // Without --apply the log itself only gains the rebuild's own entry.
    const after = await readFile(join(root, LOG));
    expect(after.subarray(0, original.length).equals(original)).toBe(true);
    expect(JSON.parse(after.subarray(original.length).toString('utf8'))).toMatchObject({
      job_name: 'rebuild-log',
    });
  });

  it('with --apply backs the log up, replaces log and sequence file, and the result verifies', async () => {
    await writeDamagedWorkspace();
    // A failed verification first: its own entry is one more valid line to keep.
    const before = await runVerify(root, ['--check-log', LOG, ...JOB_HEARTBEATS]);
    expect(before.exitCode).toBe(1);
    const original = await readFile(join(root, LOG));

    const result = await runVerify(root, ['rebuild-log', '--apply']);
    expect(result.exitCode).toBe(0);
    const summary = result.json();
    expect(summary).toMatchObject({
      applied: true,
      kept: 7,
      corrupt: 3,
      reconstructed: 5,
      last_sequence: 12,
    });
    expect(summary.backup).toMatch(/^ops\/automation_runs\.log\.bak-\d{8}T\d{6}Z$/);
    expect((await readFile(join(root, summary.backup))).equals(original)).toBe(true);

    const log = await readJsonLines(root, LOG);
    expect(log.map((entry) => entry.sequence)).toEqual(Array.from({ length: 13 }, (_, index) => index + 1));
    expect(log.at(-1)).toMatchObject({ job_name: 'rebuild-log', sequence: 13 });
    expect(JSON.parse(await readFile(join(root, SEQUENCE), 'utf8')).value).toBe(13);

    const after = await runVerify(root, ['--check-log', LOG, ...JOB_HEARTBEATS]);
    const report = after.json();
    expect(checkNamed(report, 'log_schema')[0]?.status).toBe('pass');
    expect(checkNamed(report, 'sequence')[0]?.status).toBe('pass');
    expect(report.failures).toEqual([]);
    expect(after.exitCode).toBe(0);
  });

  it('builds a log from the artefacts alone when the log is lost', async () => {
    await writeDamagedWorkspace();
    await rm(join(root, LOG));
    const result = await runVerify(root, ['rebuild-log', '--output', 'recovered/runs.log']);
    // The archive manifest's second run is no longer in any log: six runs now.
    expect(result.json()).toMatchObject({
      status: 'ok',
      kept: 0,
      corrupt: 0,
      reconstructed: 6,
      output: 'recovered/runs.log',
    });
    expect(existsSync(join(root, `${LOG}.corrupt`))).toBe(false);
    expect((await readJsonLines(root, 'recovered/runs.log')).map((entry) => entry.sequence)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it.skipIf(!existsSync(join(REFERENCE_WORKSPACE, 'ops')))(
    "reconstructs from the earlier tooling's heartbeats and history without failing",
    async () => {
      await mkdir(join(root, 'ops'), { recursive: true });
      await cp(join(REFERENCE_WORKSPACE, 'ops'), join(root, 'ops'), { recursive: true });
      const result = await runVerify(root, ['rebuild-log', '--apply'], { now: '2025-10-11T12:00:00Z' });
      expect(result.exitCode).toBe(0);
      expect(result.json()).toMatchObject({ kept: 0, corrupt: 0, reconstructed: 2, backup: null });
      const log = await readJsonLines(root, LOG);
      expect(log.slice(0, 2).map((entry) => [entry.job_id, entry.job_name, entry.status])).toEqual([
        ['20251011T113553Z-observability-latency', 'observability-latency', 'ok'],
        ['20251011T113553Z-observability-dashboard', 'observability-dashboard', 'ok'],
      ]);
      expect(await readdir(join(root, 'ops/weekly_report_history'))).toEqual([
        '2025-10-06.json',
        '2025-10-06.sig',
      ]);
    },
  );
});

describe('obs-verify rebuild-log --apply, killed between replacing the log and the sequence file', () => {
  it('leaves a whole rebuilt log and a backup; the next append heals the sequence file', async () => {
    await writeDamagedWorkspace();
    const original = await readFile(join(root, LOG));
    const crashed = await runVerify(root, ['rebuild-log', '--apply'], {
      env: { OBS_FAULT_POINT: 'rebuild-log:after-log-replace' },
    });
    expect(crashed.signal).toBe('SIGKILL');
    const backups = (await readdir(join(root, 'ops'))).filter((name) =>
      name.startsWith('automation_runs.log.bak-'),
    );
    expect(backups).toHaveLength(1);
    expect((await readFile(join(root, 'ops', backups[0] as string))).equals(original)).toBe(true);
    const log = await readJsonLines(root, LOG);
    expect(log.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(JSON.parse(await readFile(join(root, SEQUENCE), 'utf8')).value).toBe(6);

    const first = (await runVerify(root, ['--check-log', LOG, ...JOB_HEARTBEATS])).json();
    expect(first.failures.map((failure: JsonDocument) => failure.error_code)).toEqual([
      'sequence_file_mismatch',
    ]);
    const healed = await runVerify(root, ['--check-log', LOG, ...JOB_HEARTBEATS]);
    expect(healed.json().failures).toEqual([]);
    expect(
      (await readJsonLines(root, LOG)).filter((entry) => entry.diagnostics.error_code === 'sequence_gap'),
    ).toHaveLength(1);
  });
});
