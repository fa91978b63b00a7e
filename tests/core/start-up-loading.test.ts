import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_REGISTRY } from '../../packages/automation-core/src/job-registry.js';
import { BIN, cleanEnv, makeWorkspace, REPO_ROOT, runProcess } from '../support/cli-process.js';

// --help and obs-status run often and do no validation of their own: they must not load zod,
// whose evaluation alone was a fifth of their start-up (docs/decisions.md, "The 15-minute run").
// What does validate must still load it, with the settings of configured-zod.ts.

const ZOD_PROBE = join(REPO_ROOT, 'tests/support/zod-probe.mjs');
const NOW = '2026-11-24T12:00:00Z';

let root: string;
let cleanup: () => Promise<void>;
let probes = 0;
beforeAll(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-start-up-'));
});
afterAll(() => cleanup());

/** Runs a binary under the probe: its exit code and what the probe saw of zod. */
async function probed(binary: string, args: readonly string[], cwdRoot = root) {
  const probeFile = join(cwdRoot, `zod-probe-${++probes}.json`);
  const result = await runProcess(process.execPath, ['--import', ZOD_PROBE, binary, ...args], {
    env: cleanEnv({ OBS_TEST_ZOD_PROBE: probeFile }),
  });
  const zod = JSON.parse(await readFile(probeFile, 'utf8')) as { loaded: boolean; jitless: boolean | null };
  return { ...result, zod };
}

describe('what a process loads at start', () => {
  it.each(JOB_REGISTRY)('$binary --help loads no validation library', async (job) => {
    const result = await probed(BIN[job.name], ['--help']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Usage:');
    expect(result.zod).toEqual({ loaded: false, jitless: null });
  });

  it.each(
    JOB_REGISTRY.flatMap((job) =>
      job.subcommands.map((subcommand) => ({ job, subcommand: subcommand.name })),
    ),
  )('$job.binary $subcommand --help loads none either', async ({ job, subcommand }) => {
    const result = await probed(BIN[job.name], [subcommand, '--help']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.zod.loaded).toBe(false);
  });

  it('obs-status without a status.yaml loads none, and still judges the workspace', async () => {
    const result = await probed(BIN.status, ['--root', root, '--now', NOW, '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().verdict).toBe('attention');
    expect(result.zod.loaded).toBe(false);
  });

  it('obs-status with a status.yaml validates it strictly, zod loaded without its code generation', async () => {
    const { root: configured, cleanup: done } = await makeWorkspace('obs-start-up-status-');
    try {
      await mkdir(join(configured, 'configs/observability'), { recursive: true });
      await writeFile(join(configured, 'configs/observability/status.yaml'), 'stale_afterr: [weekly=6h]\n');
      const bad = await probed(BIN.status, ['--root', configured, '--now', NOW], configured);
      expect(bad.exitCode).toBe(2);
      expect(bad.json().diagnostics.error_message).toContain('stale_afterr');
      expect(bad.zod).toEqual({ loaded: true, jitless: true });
    } finally {
      await done();
    }
  });

  it('a job run loads zod for its config, with its code generation off', async () => {
    const result = await probed(BIN.latency, ['--root', root, '--now', NOW, '--config-dump']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.zod).toEqual({ loaded: true, jitless: true });
  });
});
