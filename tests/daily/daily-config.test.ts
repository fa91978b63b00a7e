import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, makeWorkspace, REFERENCE_WORKSPACE, runCli } from '../support/cli-process.js';
import { optionsOf } from '../verify/support/help-text.js';
import { type JsonDocument, readJsonLines, runDaily, writeDailyInputs } from './support/daily-workspace.js';

let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-daily-config-'));
  await writeDailyInputs(root);
});
afterAll(() => cleanup());

async function writeConfig(name: string, yaml: string): Promise<string> {
  const path = `configs/${name}`;
  await mkdir(join(root, 'configs'), { recursive: true });
  await writeFile(join(root, path), yaml);
  return path;
}

/** Every file under the root with its size and modification time. */
async function listing(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      const info = await stat(path);
      return `${path} ${info.size} ${info.mtimeMs}`;
    }),
  );
  return files.sort();
}

/** Leaf values by JSON path, for comparing two documents. */
function leaves(value: unknown, path = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) leaves(item, path ? `${path}.${key}` : key, into);
  } else into.set(path, JSON.stringify(value));
  return into;
}

function differences(a: JsonDocument, b: JsonDocument): string[] {
  const left = leaves(a);
  const right = leaves(b);
  return [...new Set([...left.keys(), ...right.keys()])]
    .filter((key) => left.get(key) !== right.get(key))
    .sort();
}

describe('obs-daily --config-dump', () => {
  it('differs between two config files exactly where the files differ, and writes nothing', async () => {
    const production = await writeConfig(
      'production.yaml',
      'weekly:\n  args:\n    --max-retries: 2\ndashboard:\n  args:\n    --dataset: [ev_history, latency]\n',
    );
    const staging = await writeConfig(
      'staging.yaml',
      'weekly:\n  args:\n    --max-retries: 5\ndashboard:\n  args:\n    --dataset: [ev_history, turnover]\n',
    );
    const before = await listing(root);
    const first = await runDaily(root, ['--observability', '--config-dump', '--config', production]);
    const second = await runDaily(root, ['--observability', '--config-dump', '--config', staging]);
    expect(first.exitCode).toBe(0);
    expect(second.exitCode).toBe(0);
    expect(await listing(root)).toEqual(before);

    const dump = first.json();
    expect(Object.keys(dump)).toEqual(['chain', 'jobs']);
    expect(Object.keys(dump.jobs)).toEqual(['latency', 'weekly', 'dashboard']);
    expect(dump.jobs.weekly).toMatchObject({ enabled: true, job: 'weekly', options: { max_retries: 2 } });
    expect(dump.jobs.weekly.options.webhook_secret_env).toEqual({ env: 'OBS_WEBHOOK_SECRET' });
    expect(dump.jobs.dashboard.options.dataset).toEqual(['ev_history', 'latency']);
    expect(differences(dump, second.json())).toEqual([
      'chain.config.dashboard.args.--dataset.1',
      'chain.config.weekly.args.--max-retries',
      'chain.config_path',
      'jobs.dashboard.options.dataset.1',
      'jobs.weekly.options.max_retries',
    ]);
  });

  it('shows jobs left out by enabled: false or --jobs', async () => {
    const config = await writeConfig('partial.yaml', 'latency:\n  enabled: false\n');
    const dump = (await runDaily(root, ['--observability', '--config-dump', '--config', config])).json();
    expect(dump.jobs.latency).toEqual({ enabled: false, reason: expect.stringContaining('enabled: false') });
    const selected = (
      await runDaily(root, [
        '--observability',
        '--config-dump',
        '--config',
        config,
        '--jobs',
        'latency,dashboard',
      ])
    ).json();
    expect(selected.jobs.latency.enabled).toBe(true);
    expect(selected.jobs.weekly).toEqual({ enabled: false, reason: 'not in --jobs' });
  });

  it.skipIf(!existsSync(join(REFERENCE_WORKSPACE, 'configs')))(
    "loads the earlier tooling's automation.yaml",
    async () => {
      const { root: reference, cleanup: done } = await makeWorkspace('obs-daily-reference-');
      try {
        await cp(join(REFERENCE_WORKSPACE, 'configs'), join(reference, 'configs'), { recursive: true });
        const result = await runDaily(reference, ['--observability', '--config-dump']);
        expect(result.exitCode, result.stdout).toBe(0);
        const dump = result.json();
        expect(dump.jobs.weekly).toMatchObject({
          job_name: 'observability-weekly',
          options: { runs_root: `${reference}/runs`, webhook_url_env: { env: 'OBS_WEEKLY_WEBHOOK_URL' } },
        });
        expect(dump.jobs.dashboard.options.dataset).toEqual([
          'ev_history',
          'slippage',
          'turnover',
          'latency',
        ]);
        expect(dump.jobs.latency.job_name).toBe('observability-latency');
      } finally {
        await done();
      }
    },
  );
});

describe('obs-daily automation.yaml validation', () => {
  it.each([
    ['an unknown job', 'reporting:\n  enabled: true\n', 'key reporting'],
    ['an unknown key', 'weekly:\n  enable: false\n', 'key weekly.enable'],
    ['a wrong type', 'latency:\n  enabled: "no"\n', 'key latency.enabled'],
    ['a malformed flag', 'dashboard:\n  args:\n    dataset: latency\n', 'key dashboard.args.dataset'],
    ['a flag the job does not have', 'weekly:\n  args:\n    --no-such-flag: 1\n', 'key weekly.args'],
  ])('rejects %s with exit 2 naming the key', async (_case, yaml, key) => {
    const config = await writeConfig('broken.yaml', yaml);
    const result = await runDaily(root, ['--observability', '--dry-run', '--config', config]);
    expect(result.exitCode).toBe(2);
    const diagnostics = result.json().diagnostics;
    expect(diagnostics.error_code).toBe('invalid_config');
    expect(diagnostics.error_message).toContain(key);
    expect(existsSync(join(root, 'ops/automation_runs.log'))).toBe(false);
  });
});

describe('obs-daily with a broken job config file', () => {
  it("exits 2 before any job runs, naming the job and its file's key", async () => {
    const { root: workspace, cleanup: done } = await makeWorkspace('obs-daily-job-config-');
    try {
      await mkdir(join(workspace, 'configs/observability'), { recursive: true });
      await writeFile(
        join(workspace, 'configs/observability/weekly_payload.yaml'),
        'destinations:\n  retries: 3\n',
      );
      const result = await runDaily(workspace, ['--observability', '--dry-run']);
      expect(result.exitCode).toBe(2);
      const message = result.json().diagnostics.error_message as string;
      expect(message).toMatch(/^weekly: .*weekly_payload\.yaml/);
      expect(message).toContain('destinations.retries');
      expect(existsSync(join(workspace, 'ops/automation_runs.log'))).toBe(false);
    } finally {
      await done();
    }
  });
});

describe('obs-daily job selection', () => {
  it('runs only the jobs --jobs names, in the fixed order, with --dry-run flags added', async () => {
    const { root: workspace, cleanup: done } = await makeWorkspace('obs-daily-jobs-');
    try {
      await writeDailyInputs(workspace);
      const result = await runDaily(workspace, [
        '--observability',
        '--dry-run',
        '--jobs',
        'dashboard,latency',
      ]);
      expect(result.exitCode).toBe(0);
      const report = result.json();
      expect(report.jobs.map((job: JsonDocument) => [job.job, job.status])).toEqual([
        ['latency', 'dry_run'],
        ['dashboard', 'dry_run'],
      ]);
      expect(report.not_selected).toEqual([{ job: 'weekly', reason: 'not in --jobs' }]);
      const log = await readJsonLines(workspace, 'ops/automation_runs.log');
      expect(log.map((entry) => entry.job_name)).toEqual(['latency', 'dashboard', 'daily']);
      expect(existsSync(join(workspace, 'out/latency_alerts'))).toBe(true);
    } finally {
      await done();
    }
  });
});

describe('obs-daily --help', () => {
  it('lists every flag with its default and examples', async () => {
    const result = await runCli(BIN.daily, ['--help'], { env: cleanEnv() });
    expect(result.exitCode).toBe(0);
    const options = optionsOf(result.stdout);
    for (const flag of [
      '--observability',
      '--dry-run',
      '--config',
      '--jobs',
      '--config-dump',
      '--root',
      '--now',
      '--job-id',
    ]) {
      expect(options.some((option) => option.startsWith(flag))).toBe(true);
    }
    for (const option of options) expect(option).toMatch(/\(default: [^)]+\)$/);
    expect(result.stdout).toMatch(/Examples:\n {2}obs-daily --observability/);
  });
});
