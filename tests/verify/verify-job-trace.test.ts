import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../support/cli-process.js';
import {
  ARCHIVE,
  CHAIN_ID,
  DASHBOARD_ID,
  SIGNING_SECRET,
  WEEKLY_ID,
  WEEKLY_MANIFEST,
  WEEKLY_PAYLOAD,
  writeTracedChain,
} from './support/traced-chain.js';
import {
  checkNamed,
  type JsonDocument,
  LOG,
  readJsonLines,
  runVerify,
  writeText,
} from './support/verify-workspace.js';

let root: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-verify-trace-'));
});
afterEach(() => cleanup());

function traceFailures(report: JsonDocument): JsonDocument[] {
  return report.failures.filter((failure: JsonDocument) => failure.check === 'job_trace');
}

const withSecret = { env: { OBS_WEBHOOK_SECRET: SIGNING_SECRET } };

describe('obs-verify --job-id (job_trace)', () => {
  it('traces an obs-daily chain: children, artefacts, checksums and the weekly signature', async () => {
    await writeTracedChain(root);
    const result = await runVerify(root, ['--job-id', CHAIN_ID, '--require-job-entry'], withSecret);
    expect(result.exitCode).toBe(0);
    const report = result.json();
    expect(report.traced_job_id).toBe(CHAIN_ID);
    expect(report.job_id).not.toBe(CHAIN_ID);
    const trace = checkNamed(report, 'job_trace')[0] as JsonDocument;
    expect(trace.status).toBe('pass');
    expect(trace.details.children.map((child: JsonDocument) => child.job_name)).toEqual([
      'latency',
      'weekly',
      'dashboard',
    ]);
    const verified = trace.details.artefacts
      .filter((note: JsonDocument) => note.result === 'verified')
      .map((note: JsonDocument) => `${note.kind} ${note.path}`);
    expect(verified).toEqual(
      expect.arrayContaining([
        `manifest_entry ${ARCHIVE}`,
        `weekly_payload ${WEEKLY_PAYLOAD}`,
        'weekly_signature ops/weekly_report_history/2025-09-29.sig',
        `manifest_entry ${WEEKLY_PAYLOAD}`,
        'dashboard_dataset out/dashboard/ev_history.json',
        'dashboard_dataset out/dashboard/latency.json',
      ]),
    );
    // The verification's entry carries its own id, so the traced job keeps exactly one entry.
    const log = await readJsonLines(root, LOG);
    expect(log.filter((entry) => entry.job_id === CHAIN_ID)).toHaveLength(1);
    expect(log.at(-1)).toMatchObject({
      job_name: 'verify',
      status: 'ok',
      diagnostics: { traced_job_id: CHAIN_ID },
    });
  });

  it('traces a single job', async () => {
    await writeTracedChain(root);
    const result = await runVerify(root, ['--job-id', DASHBOARD_ID, '--require-job-entry']);
    expect(result.exitCode).toBe(0);
    expect(checkNamed(result.json(), 'job_trace')[0]?.details.entries).toEqual([
      expect.objectContaining({ job_id: DASHBOARD_ID, status: 'ok' }),
    ]);
  });

  it('reports a deleted artefact as artefact_missing', async () => {
    await writeTracedChain(root);
    await rm(join(root, ARCHIVE));
    const result = await runVerify(root, ['--job-id', CHAIN_ID]);
    expect(result.exitCode).toBe(1);
    expect(traceFailures(result.json())).toEqual([
      { check: 'job_trace', error_code: 'artefact_missing', message: expect.stringContaining(ARCHIVE) },
    ]);
  });

  it('reports a changed dataset byte as checksum_mismatch', async () => {
    await writeTracedChain(root);
    const path = join(root, 'out/dashboard/latency.json');
    await writeFile(path, (await readFile(path, 'utf8')).replace('910', '911'));
    const report = (await runVerify(root, ['--job-id', DASHBOARD_ID])).json();
    expect(traceFailures(report)).toEqual([
      {
        check: 'job_trace',
        error_code: 'checksum_mismatch',
        message: expect.stringContaining('out/dashboard/latency.json'),
      },
    ]);
    expect(
      report.failures.map((failure: JsonDocument) => `${failure.check} ${failure.error_code}`),
    ).toContain('dashboard_manifest checksum_mismatch');
  });

  it('reports an edited weekly history file as checksum_mismatch', async () => {
    await writeTracedChain(root);
    const path = join(root, WEEKLY_PAYLOAD);
    await writeFile(
      path,
      (await readFile(path, 'utf8')).replace('"runs":[]', '"runs":[{"run_id":"forged"}]'),
    );
    const result = await runVerify(root, ['--job-id', WEEKLY_ID], withSecret);
    expect(result.exitCode).toBe(1);
    const failures = traceFailures(result.json());
    expect(failures.map((failure) => failure.error_code)).toEqual([
      'checksum_mismatch',
      'signature_mismatch',
      'checksum_mismatch',
    ]);
    expect(failures[0]?.message).toContain(`${WEEKLY_PAYLOAD}: the payload's canonical SHA-256`);
    expect(failures[2]?.message).toContain(`recorded in ${WEEKLY_MANIFEST}`);
  });

  it('reports a signature made with another secret as signature_mismatch', async () => {
    await writeTracedChain(root);
    const result = await runVerify(root, ['--job-id', WEEKLY_ID], {
      env: { OBS_WEBHOOK_SECRET: `${SIGNING_SECRET}-rotated` },
    });
    expect(traceFailures(result.json())).toEqual([
      {
        check: 'job_trace',
        error_code: 'signature_mismatch',
        message: expect.stringContaining('2025-09-29.sig'),
      },
    ]);
    const unsigned = await runVerify(root, ['--job-id', WEEKLY_ID]);
    expect(unsigned.exitCode).toBe(0);
  });

  it('reports a failed child of a chain and a child entry the log lacks', async () => {
    const log = await writeTracedChain(root, {
      weekly: {
        status: 'error',
        diagnostics: { error_code: 'auth_failed', error_message: 'webhook answered 401' },
      },
    });
    const result = await runVerify(root, ['--job-id', CHAIN_ID]);
    expect(result.exitCode).toBe(1);
    expect(traceFailures(result.json())).toEqual([
      {
        check: 'job_trace',
        error_code: 'child_failed',
        message: expect.stringContaining(
          `weekly ${WEEKLY_ID} ended error (auth_failed: webhook answered 401)`,
        ),
      },
    ]);
    await writeText(
      root,
      LOG,
      `${log
        .filter((entry) => entry.job_id !== DASHBOARD_ID)
        .map((entry) => JSON.stringify(entry))
        .join('\n')}\n`,
    );
    const missing = traceFailures((await runVerify(root, ['--job-id', CHAIN_ID])).json());
    expect(missing.map((failure) => failure.error_code)).toEqual(['child_entry_missing', 'child_failed']);
  });

  it('accepts a child skipped because its lock was held', async () => {
    await writeTracedChain(root, {
      latency: { status: 'skipped', artefacts: [], diagnostics: { error_code: 'lock_not_acquired' } },
    });
    expect((await runVerify(root, ['--job-id', CHAIN_ID])).exitCode).toBe(0);
  });

  it('skips a job the log does not know unless --require-job-entry', async () => {
    await writeTracedChain(root);
    const unknown = '20250101T000000Z-daily';
    const lenient = await runVerify(root, ['--job-id', unknown]);
    expect(lenient.exitCode).toBe(0);
    expect(checkNamed(lenient.json(), 'job_trace')[0]).toMatchObject({ status: 'skip' });
    const strict = await runVerify(root, ['--job-id', unknown, '--require-job-entry']);
    expect(strict.exitCode).toBe(1);
    expect(traceFailures(strict.json())).toEqual([
      { check: 'job_trace', error_code: 'job_entry_missing', message: `${LOG} has no entry for ${unknown}` },
    ]);
  });

  it('does not count files retention deleted (and recorded) as missing', async () => {
    await writeTracedChain(root);
    await rm(join(root, WEEKLY_PAYLOAD));
    await rm(join(root, 'ops/weekly_report_history/2025-09-29.sig'));
    const manifest = await readFile(join(root, WEEKLY_MANIFEST), 'utf8');
    const deletion = (path: string) =>
      JSON.stringify({
        event: 'deleted',
        week_start: '2025-09-29',
        job_id: '20251201T000000Z-weekly',
        path,
        deleted_at: '2025-12-01T00:00:00Z',
        reason: 'retention',
      });
    await writeFile(
      join(root, WEEKLY_MANIFEST),
      `${manifest}${deletion(WEEKLY_PAYLOAD)}\n${deletion('ops/weekly_report_history/2025-09-29.sig')}\n`,
    );
    const result = await runVerify(root, ['--job-id', WEEKLY_ID]);
    expect(result.exitCode).toBe(0);
    const notes = checkNamed(result.json(), 'job_trace')[0]?.details.artefacts as JsonDocument[];
    expect(notes.filter((note) => note.result === 'deleted_by_retention').map((note) => note.path)).toEqual([
      WEEKLY_PAYLOAD,
      'ops/weekly_report_history/2025-09-29.sig',
    ]);
  });

  it('rejects a malformed --job-id and --require-job-entry without --job-id', async () => {
    await writeTracedChain(root);
    const bad = await runVerify(root, ['--job-id', 'yesterday']);
    expect(bad.exitCode).toBe(2);
    // The option kit's wording, the same for every flag: the flag, what it wants, what it got.
    expect(bad.json().diagnostics.error_message).toMatch(/^--job-id: must be a job id .*, got "yesterday"$/);
    const alone = await runVerify(root, ['--require-job-entry']);
    expect(alone.exitCode).toBe(2);
    expect(alone.json().diagnostics.error_message).toContain('--require-job-entry needs --job-id');
  });
});
