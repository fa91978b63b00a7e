import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildHeartbeat, readHeartbeat, writeHeartbeat } from './heartbeat.js';

const REFERENCE_OPS = fileURLToPath(
  new URL('../../../../shared/data/reference-workspace/ops/', import.meta.url),
);
const AT = '2026-01-01T00:15:00.000Z';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'core-heartbeat-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readHeartbeat', () => {
  it('tells missing, corrupt and valid apart', async () => {
    const path = join(dir, 'hb.json');
    expect(await readHeartbeat(path)).toEqual({ kind: 'missing' });
    await writeFile(path, '{"job_id": ');
    expect(await readHeartbeat(path)).toMatchObject({ kind: 'corrupt' });
    await writeFile(path, '[1, 2]');
    expect(await readHeartbeat(path)).toEqual({ kind: 'corrupt', reason: 'not a JSON object' });
    await mkdir(join(dir, 'folder.json'));
    expect(await readHeartbeat(join(dir, 'folder.json'))).toMatchObject({ kind: 'corrupt' });
    await writeHeartbeat(path, { job_id: 'x' });
    expect(await readHeartbeat(path)).toEqual({ kind: 'ok', data: { job_id: 'x' } });
  });

  it('is corrupt, never a crash, for deep nesting, links, FIFOs and devices, and never quotes the file', async () => {
    const path = join(dir, 'hb.json');
    await writeFile(path, `{"job_id": "x", "state": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(await readHeartbeat(path, 'ops/hb.json')).toEqual({
      kind: 'corrupt',
      reason: 'nests deeper than 64 levels at line 1, column 89',
    });
    await writeFile(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    const quoted = await readHeartbeat(join(dir, 'passwd'));
    expect(quoted).toEqual({
      kind: 'corrupt',
      reason: 'is not valid JSON: unexpected character at line 1, column 1',
    });
    await symlink(join(dir, 'passwd'), join(dir, 'linked.json'));
    expect(await readHeartbeat(join(dir, 'linked.json'))).toMatchObject({
      kind: 'corrupt',
      reason: expect.stringContaining('symbolic link'),
    });
    execFileSync('mkfifo', [join(dir, 'fifo.json')]);
    expect(await readHeartbeat(join(dir, 'fifo.json'))).toEqual({
      kind: 'corrupt',
      reason: 'is a FIFO, not a regular file',
    });
    expect(await readHeartbeat('/dev/zero')).toEqual({
      kind: 'corrupt',
      reason: 'is a character device, not a regular file',
    });
  });

  it.skipIf(!existsSync(REFERENCE_OPS))('reads the earlier tooling’s heartbeats', async () => {
    for (const name of ['latency_job_heartbeat.json', 'dashboard_export_heartbeat.json']) {
      const read = await readHeartbeat(join(REFERENCE_OPS, name));
      expect(read.kind, name).toBe('ok');
    }
  });
});

describe('buildHeartbeat', () => {
  const previous = {
    kind: 'ok' as const,
    data: {
      job_id: 'old',
      last_success_at: '2025-12-31T00:00:00.000Z',
      breach_streak: 2,
      last_failure: null,
    },
  };

  it('keeps earlier fields, adds the job’s own, and stamps success', () => {
    expect(
      buildHeartbeat(previous, { status: 'ok', artefacts: [], heartbeat: { breach_streak: 0 } }, 'new', AT),
    ).toEqual({
      job_id: 'new',
      status: 'ok',
      generated_at: AT,
      last_success_at: AT,
      last_dry_run_at: null,
      last_failure: null,
      last_warning: null,
      breach_streak: 0,
    });
  });

  it('moves last_success_at on real successes only: a dry run records last_dry_run_at', () => {
    const dryRun = buildHeartbeat(previous, { status: 'dry_run', artefacts: [] }, 'new', AT);
    expect(dryRun).toMatchObject({
      status: 'dry_run',
      last_success_at: '2025-12-31T00:00:00.000Z',
      last_dry_run_at: AT,
    });
    const later = '2026-01-01T00:30:00.000Z';
    const warning = buildHeartbeat(
      { kind: 'ok', data: dryRun },
      { status: 'warning', artefacts: [] },
      'w',
      later,
    );
    expect(warning).toMatchObject({ last_success_at: later, last_dry_run_at: AT });
    expect(buildHeartbeat({ kind: 'missing' }, { status: 'dry_run', artefacts: [] }, 'd', AT)).toMatchObject({
      last_success_at: null,
      last_dry_run_at: AT,
    });
    // a dry-run chain that ended warning (a job skipped for its lock) is a rehearsal all the same
    expect(
      buildHeartbeat(previous, { status: 'warning', dryRun: true, artefacts: [] }, 'c', AT),
    ).toMatchObject({
      status: 'warning',
      last_success_at: '2025-12-31T00:00:00.000Z',
      last_dry_run_at: AT,
    });
  });

  it('keeps the last success and records the failure', () => {
    expect(
      buildHeartbeat(
        previous,
        { status: 'error', artefacts: [], diagnostics: { error_code: 'missing_input' } },
        'new',
        AT,
      ),
    ).toMatchObject({
      status: 'error',
      last_success_at: '2025-12-31T00:00:00.000Z',
      last_failure: { job_id: 'new', error_code: 'missing_input', at: AT },
      breach_streak: 2,
    });
  });

  it('starts from nothing after a missing or corrupt heartbeat', () => {
    expect(
      buildHeartbeat({ kind: 'corrupt', reason: 'x' }, { status: 'error', artefacts: [] }, 'new', AT),
    ).toEqual({
      job_id: 'new',
      status: 'error',
      generated_at: AT,
      last_success_at: null,
      last_dry_run_at: null,
      last_failure: { job_id: 'new', error_code: 'internal_error', at: AT },
      last_warning: null,
    });
  });

  it('records the code a real run warned with; the next real run replaces it, a rehearsal keeps it', () => {
    const warned = buildHeartbeat(
      previous,
      { status: 'warning', artefacts: [], diagnostics: { error_code: 'history_bundle_invalid' } },
      'w1',
      AT,
    );
    expect(warned.last_warning).toEqual({ job_id: 'w1', error_code: 'history_bundle_invalid', at: AT });
    const rehearsal = buildHeartbeat(
      { kind: 'ok', data: warned },
      { status: 'dry_run', artefacts: [] },
      'd',
      AT,
    );
    expect(rehearsal.last_warning).toEqual(warned.last_warning);
    const uncoded = buildHeartbeat(
      { kind: 'ok', data: rehearsal },
      { status: 'warning', artefacts: [], diagnostics: { warnings: ['retention did not finish'] } },
      'w2',
      AT,
    );
    expect(uncoded.last_warning).toMatchObject({ job_id: 'w2', error_code: 'run_warning' });
    // a warning made by an alert alone, or a failure, ends it
    expect(
      buildHeartbeat({ kind: 'ok', data: uncoded }, { status: 'warning', artefacts: [] }, 'a', AT)
        .last_warning,
    ).toBeNull();
    expect(
      buildHeartbeat({ kind: 'ok', data: uncoded }, { status: 'error', artefacts: [] }, 'e', AT).last_warning,
    ).toBeNull();
  });

  it('is written whole, as readable JSON', async () => {
    const path = join(dir, 'ops/hb.json');
    await writeHeartbeat(path, buildHeartbeat({ kind: 'missing' }, { status: 'ok', artefacts: [] }, 'j', AT));
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ job_id: 'j', last_success_at: AT });
  });
});
