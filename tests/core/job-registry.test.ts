import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHAINED_JOBS,
  JOB_HEARTBEATS,
  JOB_REGISTRY,
  JOB_SECRET_ENVS,
  type RegisteredJob,
} from '../../packages/automation-core/src/job-registry.js';
import { BIN, cleanEnv, makeWorkspace, REPO_ROOT, runCli } from '../support/cli-process.js';

const registry: readonly RegisteredJob[] = JOB_REGISTRY;
const readJson = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8'));

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-registry-'));
});
afterAll(() => cleanup());

describe('every registered job', () => {
  it.each(registry)('$name has its package, its bin entry and its bin/ wrapper', (job) => {
    const manifest = readJson(`packages/${job.packageDir}/package.json`);
    expect(manifest.bin).toEqual({ [job.binary]: './dist/bin/cli.js' });
    const wrapper = join(REPO_ROOT, 'bin', job.binary);
    accessSync(wrapper, constants.X_OK);
    expect(readFileSync(wrapper, 'utf8')).toBe(
      `#!/usr/bin/env node\nimport '../packages/${job.packageDir}/dist/bin/cli.js';\n`,
    );
    const references = readJson('tsconfig.json').references.map(
      (reference: { path: string }) => reference.path,
    );
    expect(references).toContain(`packages/${job.packageDir}`);
  });

  it('has a lock of its own, under ops/ — but a tool that reads only, which takes none', () => {
    const locks = registry.filter((job) => !job.readsOnly).map((job) => job.lockFile);
    expect(new Set(locks).size).toBe(locks.length);
    for (const lock of locks) expect(lock).toMatch(/^ops\/\.[a-z-]+\.lock$/);
    for (const tool of registry.filter((job) => job.readsOnly)) {
      expect(tool).toMatchObject({ lockFile: null, heartbeatFile: null, schedule: null, chained: false });
    }
  });

  it('is the only thing bin/ holds', () => {
    expect(readdirSync(join(REPO_ROOT, 'bin')).sort()).toEqual(registry.map((job) => job.binary).sort());
  });

  it.each(registry)(
    '$binary --config-dump takes its lock from the registry (none for a tool that reads only)',
    async (job) => {
      const args = job.name === 'daily' ? ['--observability'] : [];
      const result = await runCli(
        BIN[job.name as keyof typeof BIN],
        [...args, '--root', root, '--config-dump'],
        {
          env: cleanEnv(),
        },
      );
      expect(result.exitCode, result.stdout).toBe(0);
      const dump = result.json();
      expect((dump.chain ?? dump).common.lock_file).toBe(job.lockFile ?? undefined);
    },
  );
});

describe('the chain comes from the registry', () => {
  it('obs-daily --config-dump shows exactly the chained jobs, in registry order', async () => {
    const result = await runCli(BIN.daily, ['--observability', '--root', root, '--config-dump'], {
      env: cleanEnv(),
    });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(result.json().jobs)).toEqual(CHAINED_JOBS.map((job) => job.name));
  });

  it('--dry-run gives each chained job its registered dry-run flag', async () => {
    const result = await runCli(
      BIN.daily,
      ['--observability', '--dry-run', '--root', root, '--config-dump'],
      {
        env: cleanEnv(),
      },
    );
    const { jobs } = result.json();
    const { CHAIN_JOBS } = await import('../../packages/daily-workflow/src/chain-jobs.js');
    for (const job of CHAIN_JOBS) {
      // The dump shows the option the flag sets under its config key (--dry-run → dry_run_alert).
      const option = job.definition.options.entries.find((entry) => entry.flag === job.dryRunFlag);
      expect(option, job.name).toBeDefined();
      expect(jobs[job.name].options[option?.configKey ?? ''], job.name).toBe(true);
    }
  });

  it('the chain runs in registry order', async () => {
    const { CHAIN_JOBS } = await import('../../packages/daily-workflow/src/chain-jobs.js');
    expect(CHAIN_JOBS.map((job) => [job.name, job.dryRunFlag])).toEqual(
      CHAINED_JOBS.map((job) => [job.name, job.dryRunFlag]),
    );
  });

  it('automation.yaml takes the chained jobs as keys and nothing else', async () => {
    const { root: workspace, cleanup: done } = await makeWorkspace('obs-registry-automation-');
    try {
      await mkdir(join(workspace, 'configs/observability'), { recursive: true });
      const unchained = registry.find((job) => !job.chained);
      await writeFile(
        join(workspace, 'configs/observability/automation.yaml'),
        `${unchained?.name}:\n  enabled: true\n`,
      );
      const result = await runCli(BIN.daily, ['--observability', '--root', workspace, '--config-dump'], {
        env: cleanEnv(),
      });
      expect(result.exitCode).toBe(2);
      expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_config', key: unchained?.name });
    } finally {
      await done();
    }
  });
});

describe('obs-verify defaults come from the registry', () => {
  it('checks every registered heartbeat and webhook secret', async () => {
    const result = await runCli(BIN.verify, ['--root', root, '--config-dump'], { env: cleanEnv() });
    const { options } = result.json();
    expect(options.heartbeat).toEqual([...JOB_HEARTBEATS]);
    // every job's heartbeat but obs-verify's own: a run does not vouch for itself
    expect(JOB_HEARTBEATS).toEqual(
      registry.flatMap((job) => (job.heartbeatFile && job.name !== 'verify' ? [job.heartbeatFile] : [])),
    );
    expect(options.secret).toEqual({ env: [...JOB_SECRET_ENVS] });
  });
});
