import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { appendFile, copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_REGISTRY } from '../../packages/automation-core/src/job-registry.js';
import {
  startWebhookTestServer,
  type WebhookTestServer,
} from '../../packages/automation-core/src/test-support/webhook-test-server.js';
import { makeWorkspace, REPO_ROOT } from '../support/cli-process.js';
import {
  type BuiltRelease,
  buildRelease,
  currentUser,
  DEPLOYED,
  pathWithoutPnpm,
  runShell,
  shellBlockUnder,
  withPaths,
} from '../support/release.js';

const execFileAsync = promisify(execFile);

const SIGNING_SECRET = 'release-test-signing-secret-0123456789';

let built: BuiltRelease;
let dir: string;
let cleanup: () => Promise<void>;
let prefix: string;
let downloads: string;
/** A host that never had the development tooling: no pnpm on PATH, a fresh HOME. */
let hostEnv: NodeJS.ProcessEnv;
let emptyFolder: string;
let webhook: WebhookTestServer;
let notify: WebhookTestServer;

const currentRelease = () => readlinkSync(join(prefix, 'current'));

/** The deploy guide's "Install on a host" steps, with this test's paths and account. */
function installSteps(): string {
  const guide = readFileSync(join(REPO_ROOT, 'docs/deploy/README.md'), 'utf8');
  const steps = shellBlockUnder(guide, '## Install on a host')
    .replace(/^VERSION=.*$/m, `VERSION=${built.release}`)
    .replaceAll('sudo ', '')
    .replaceAll('--user obs', `--user ${currentUser()}`);
  return withPaths(steps, { [DEPLOYED.prefix]: prefix, [DEPLOYED.research]: join(dir, 'srv/research') });
}

beforeAll(async () => {
  ({ root: dir, cleanup } = await makeWorkspace('obs-release-'));
  built = await buildRelease(join(dir, 'dist-release'));
  prefix = join(dir, 'srv/obs-automation');
  downloads = join(dir, 'downloads');
  emptyFolder = join(dir, 'empty');
  await Promise.all([mkdir(downloads), mkdir(emptyFolder), mkdir(join(dir, 'home'))]);
  hostEnv = {
    PATH: await pathWithoutPnpm(join(dir, 'path')),
    HOME: join(dir, 'home'),
    LOGNAME: currentUser(),
    LANG: 'C.UTF-8',
  };
  // The research system's files, written up to now.
  await execFileAsync(process.execPath, [
    join(REPO_ROOT, 'scripts/sample-workspace.mjs'),
    join(dir, 'srv/research'),
    '--anchor',
    new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  ]);
  await copyFile(built.tarball_path, join(downloads, `obs-automation-${built.release}.tar.gz`));
  const installed = await runShell(installSteps(), { cwd: downloads, env: hostEnv });
  expect(installed.exitCode, installed.stderr).toBe(0);
  webhook = await startWebhookTestServer({ path: '/hooks/weekly' });
  notify = await startWebhookTestServer({ path: '/hooks/notify' });
}, 120_000);

afterAll(async () => {
  await webhook?.close();
  await notify?.close();
  await cleanup?.();
});

/** Every package of node_modules a workspace package depends on in production, transitively. */
function productionDependencies(): Set<string> {
  const closure = new Set<string>();
  const pending = readdirSync(join(REPO_ROOT, 'packages')).map((name) => join(REPO_ROOT, 'packages', name));
  while (pending.length > 0) {
    const from = pending.pop() as string;
    const { dependencies = {} } = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const [name, range] of Object.entries(dependencies)) {
      if (range.startsWith('workspace:') || closure.has(name)) continue;
      closure.add(name);
      let folder = from;
      while (!existsSync(join(folder, 'node_modules', name)) && dirname(folder) !== folder)
        folder = dirname(folder);
      pending.push(realpathSync(join(folder, 'node_modules', name)));
    }
  }
  return closure;
}

function developmentDependencies(): Set<string> {
  const manifests = [
    join(REPO_ROOT, 'package.json'),
    ...readdirSync(join(REPO_ROOT, 'packages')).map((name) =>
      join(REPO_ROOT, 'packages', name, 'package.json'),
    ),
  ];
  return new Set(
    manifests.flatMap((path) =>
      Object.keys(
        (JSON.parse(readFileSync(path, 'utf8')) as { devDependencies?: object }).devDependencies ?? {},
      ),
    ),
  );
}

/** A folder's tree as `path type target-or-sha256`, for before/after comparisons. */
function treeOf(root: string, below = ''): string[] {
  const lines: string[] = [];
  for (const name of readdirSync(join(root, below)).sort()) {
    const path = join(below, name);
    const stats = lstatSync(join(root, path));
    if (stats.isSymbolicLink()) lines.push(`${path} -> ${readlinkSync(join(root, path))}`);
    else if (stats.isDirectory()) lines.push(`${path}/`, ...treeOf(root, path));
    else {
      const hash = createHash('sha256')
        .update(readFileSync(join(root, path)))
        .digest('hex');
      lines.push(`${path} ${stats.mode.toString(8)} ${hash}`);
    }
  }
  return lines;
}

/** What an upgrade, rollback or uninstall must leave exactly as it was. */
function workspaceOf(root: string): string[] {
  return ['ops', 'out', 'log', 'configs', 'runs', 'reports'].flatMap((name) => {
    const stats = lstatSync(join(root, name));
    return stats.isSymbolicLink() ? [`${name} -> ${readlinkSync(join(root, name))}`] : treeOf(root, name);
  });
}

describe('the release tarball', () => {
  it('holds every registered binary, the files they read, the deploy docs, and no development dependency', async () => {
    const { stdout } = await execFileAsync('tar', ['-tzf', built.tarball_path], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const top = `obs-automation-${built.release}/`;
    const entries = stdout.split('\n').filter((entry) => entry !== '' && !entry.endsWith('/'));
    expect(entries.every((entry) => entry.startsWith(top))).toBe(true);
    const files = new Set(entries.map((entry) => entry.slice(top.length)));
    const expected = [
      ...JOB_REGISTRY.flatMap((job) => [`bin/${job.binary}`, `packages/${job.packageDir}/dist/bin/cli.js`]),
      ...readdirSync(join(REPO_ROOT, 'schemas')).map((name) => `schemas/${name}`),
      ...readdirSync(join(REPO_ROOT, 'docs/deploy'), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name))),
      ...readdirSync(join(REPO_ROOT, 'configs/observability')).map((name) => `configs/observability/${name}`),
      'docs/runbook.md',
      'docs/migration.md',
      'scripts/install.sh',
      'BUILD_INFO.json',
      'FILES.sha256',
      'VERSION',
      'package.json',
    ];
    expect(expected.filter((path) => !files.has(path))).toEqual([]);
    const modules = new Set(
      [...files]
        .filter((path) => path.startsWith('node_modules/'))
        .map((path) =>
          path
            .split('/')
            .slice(1, path.startsWith('node_modules/@') ? 3 : 2)
            .join('/'),
        ),
    );
    expect([...modules].filter((name) => developmentDependencies().has(name))).toEqual([]);
    expect([...modules].filter((name) => !productionDependencies().has(name))).toEqual([]);
    expect([...modules]).toEqual(expect.arrayContaining(['pino', 'uplot', 'ajv']));
    expect(built.bytes).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('installed into an empty prefix, as the deploy guide says', () => {
  it('lays out releases, current and bin/, and copies the example configs', () => {
    expect(currentRelease()).toBe(`releases/${built.release}-${built.commit}`);
    for (const job of JOB_REGISTRY) {
      expect(readlinkSync(join(prefix, 'bin', job.binary))).toBe(`../current/bin/${job.binary}`);
    }
    for (const name of readdirSync(join(REPO_ROOT, 'configs/observability'))) {
      expect(readFileSync(join(prefix, 'configs/observability', name), 'utf8')).toBe(
        readFileSync(join(REPO_ROOT, 'configs/observability', name), 'utf8'),
      );
    }
    // Nothing above the prefix could lend the binaries a module.
    for (let folder = prefix; dirname(folder) !== folder; folder = dirname(folder)) {
      expect(existsSync(join(folder, 'node_modules')), folder).toBe(false);
    }
  });

  it('runs every binary with no pnpm, reporting the release and commit of BUILD_INFO.json', async () => {
    expect((await runShell('command -v pnpm', { cwd: emptyFolder, env: hostEnv })).exitCode).not.toBe(0);
    const info = JSON.parse(readFileSync(join(prefix, 'current/BUILD_INFO.json'), 'utf8'));
    expect(info).toMatchObject({
      release: built.release,
      commit: built.commit,
      binaries: JOB_REGISTRY.map((job) => job.binary),
    });
    for (const job of JOB_REGISTRY) {
      const result = await runShell(`${join(prefix, 'bin', job.binary)} --version`, {
        cwd: emptyFolder,
        env: hostEnv,
      });
      expect(result.stdout).toBe(`${job.binary} ${info.release} (${info.commit})\n`);
    }
  });

  it('loads pino, which the bundles require at run time, from the installation', async () => {
    const core = join(prefix, 'current/packages/automation-core/package.json');
    const script = `require('node:module').createRequire(${JSON.stringify(core)})('pino').pino().info('from the release')`;
    const result = await runShell(`node -e ${JSON.stringify(script)}`, { cwd: emptyFolder, env: hostEnv });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ msg: 'from the release' });
  });

  it("runs the crontab's lines, as written, to a successful chain and verification", async () => {
    const crontab = readFileSync(join(prefix, 'current/docs/deploy/crontab'), 'utf8');
    const lines = crontab.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    const variables = Object.fromEntries(
      lines.flatMap((line) => {
        const match = /^([A-Z_]+)=(.*)$/.exec(line);
        return match ? [[match[1], match[2]]] : [];
      }),
    );
    const entries = lines
      .filter((line) => !/^[A-Z_]+=/.test(line))
      .map((line) => {
        const fields = line.split(/\s+/);
        return { schedule: fields.slice(0, 5).join(' '), command: fields.slice(5).join(' ') };
      });
    expect(entries.map((entry) => entry.schedule)).toEqual(['*/15 * * * *', '30 2 * * *']);

    const envFile = join(dir, 'etc/obs-automation/env');
    await mkdir(dirname(envFile), { recursive: true });
    await writeFile(
      envFile,
      `OBS_WEEKLY_WEBHOOK_URL='${webhook.url}'\nOBS_WEBHOOK_SECRET='${SIGNING_SECRET}'\nOBS_ENV='release-test'\nOBS_DATA_ROOTS='${join(dir, 'srv/research')}'\nOBS_NOTIFY_WEBHOOK_URL='${notify.url}'\n`,
    );
    // The notification routing, as the deploy guide says: the example's generic webhook for everything.
    await writeFile(
      join(prefix, 'configs/observability/notifications.yaml'),
      'receivers:\n  - name: ops-webhook\n    type: generic\n    url_env: OBS_NOTIFY_WEBHOOK_URL\n    secret_env: OBS_WEBHOOK_SECRET\ndefault_route:\n  receivers: [ops-webhook]\n',
    );
    // The notifier's latency samples, as it records them into the workspace.
    await copyFile(join(dir, 'srv/research/ops/signal_latency.csv'), join(prefix, 'ops/signal_latency.csv'));
    // A fresh host has no log folder: the crontab makes it.
    await rm(join(prefix, 'log'), { recursive: true, force: true });
    const cron = {
      ...hostEnv,
      SHELL: variables.SHELL,
      ...variables,
      // The deployment's paths: this prefix, this environment file, a PATH without pnpm.
      OBS_ROOT: prefix,
      OBS_ENV_FILE: envFile,
      PATH: hostEnv.PATH,
    };
    const run = async (command: string) => {
      const result = await runShell(command, { cwd: cron.HOME as string, env: cron, shell: variables.SHELL });
      // the crontab sends the output to log/: show it when the line fails
      const logs = await readdir(join(prefix, 'log')).catch(() => [] as string[]);
      const output = logs.map((name) => readFileSync(join(prefix, 'log', name), 'utf8')).join('\n');
      expect(result, `${command}\n${result.stdout}${result.stderr}${output}`).toMatchObject({ exitCode: 0 });
    };
    const [chain, verify] = entries as [{ command: string }, { command: string }];
    await run(chain.command);
    await run(verify.command);

    const log = readFileSync(join(prefix, 'ops/automation_runs.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const daily = log.find((entry) => entry.job_name === 'daily');
    expect(['ok', 'warning']).toContain(daily?.status);
    expect(
      log.filter((entry) => entry.parent_job_id === daily?.job_id).map((entry) => entry.job_name),
    ).toEqual(JOB_REGISTRY.filter((job) => job.chained).map((job) => job.name));
    expect(log.at(-1)).toMatchObject({ job_name: 'verify', status: 'ok' });
    expect(webhook.requests).toHaveLength(1);
    expect(webhook.verifySignatures(webhook.requests[0] as never, SIGNING_SECRET).obsSignature).toBe(true);
    // The sample's latency breach paged someone, signed.
    const paged = notify.requests.flatMap(
      (request) => (JSON.parse(request.body.toString('utf8')) as { alerts: unknown[] }).alerts,
    );
    expect(paged).toContainEqual(expect.objectContaining({ id: 'latency_breach', status: 'firing' }));
    expect(notify.verifySignatures(notify.requests[0] as never, SIGNING_SECRET).obsSignature).toBe(true);
    for (const name of ['obs-daily.log', 'obs-verify.log']) {
      expect(readFileSync(join(prefix, 'log', name), 'utf8')).toMatch(/"status": ?"(ok|warning)"/);
    }
    expect(readFileSync(join(prefix, 'out/dashboard/index.html'), 'utf8')).toContain('uPlot');
  });

  it('changes nothing when the same release is installed again', async () => {
    const before = treeOf(prefix);
    const again = await runShell(installSteps(), { cwd: downloads, env: hostEnv });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('is already current');
    expect(treeOf(prefix)).toEqual(before);
  });

  it('upgrades, rolls back and uninstalls without touching the workspace', async () => {
    await appendFile(join(prefix, 'configs/observability/weekly_payload.yaml'), '# edited on the host\n');
    const workspace = workspaceOf(prefix);
    const first = currentRelease();

    // The next release: the same files under another commit.
    const next = join(dir, 'next', `obs-automation-${built.release}`);
    await cp(built.folder, next, { recursive: true, verbatimSymlinks: true });
    const info = JSON.parse(await readFile(join(next, 'BUILD_INFO.json'), 'utf8'));
    await writeFile(
      join(next, 'BUILD_INFO.json'),
      `${JSON.stringify({ ...info, commit: 'f'.repeat(12) }, null, 2)}\n`,
    );
    const sums = (await readFile(join(next, 'FILES.sha256'), 'utf8')).replace(
      /^[0-9a-f]{64} {2}BUILD_INFO\.json$/m,
      `${createHash('sha256')
        .update(await readFile(join(next, 'BUILD_INFO.json')))
        .digest('hex')}  BUILD_INFO.json`,
    );
    await writeFile(join(next, 'FILES.sha256'), sums);

    const shell = (command: string) => runShell(command, { cwd: emptyFolder, env: hostEnv });
    const upgrade = await shell(`${join(next, 'scripts/install.sh')} --prefix ${prefix}`);
    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect(currentRelease()).toBe(`releases/${built.release}-${'f'.repeat(12)}`);
    expect(readlinkSync(join(prefix, 'previous'))).toBe(first);
    expect((await shell(`${join(prefix, 'bin/obs-daily')} --version`)).exitCode).toBe(0);
    expect(workspaceOf(prefix)).toEqual(workspace);

    // A release whose files do not match FILES.sha256 is refused and leaves nothing behind.
    const damaged = join(dir, 'damaged', `obs-automation-${built.release}`);
    await cp(next, damaged, { recursive: true, verbatimSymlinks: true });
    await writeFile(
      join(damaged, 'BUILD_INFO.json'),
      `${JSON.stringify({ ...info, commit: 'd'.repeat(12) }, null, 2)}\n`,
    );
    const refused = await shell(`${join(damaged, 'scripts/install.sh')} --prefix ${prefix}`);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('does not match its FILES.sha256');
    expect(readdirSync(join(prefix, 'releases')).sort()).toEqual(
      [`${built.release}-${built.commit}`, `${built.release}-${'f'.repeat(12)}`].sort(),
    );
    expect(currentRelease()).toBe(`releases/${built.release}-${'f'.repeat(12)}`);

    const rollback = await shell(
      `${join(prefix, 'current/scripts/install.sh')} --prefix ${prefix} --rollback`,
    );
    expect(rollback.exitCode, rollback.stderr).toBe(0);
    expect(currentRelease()).toBe(first);
    expect(readlinkSync(join(prefix, 'previous'))).toBe(`releases/${built.release}-${'f'.repeat(12)}`);
    expect(workspaceOf(prefix)).toEqual(workspace);

    const uninstall = await shell(
      `${join(prefix, 'current/scripts/install.sh')} --prefix ${prefix} --uninstall`,
    );
    expect(uninstall.exitCode, uninstall.stderr).toBe(0);
    for (const gone of ['releases', 'current', 'previous', 'bin'])
      expect(existsSync(join(prefix, gone)), gone).toBe(false);
    expect(workspaceOf(prefix)).toEqual(workspace);
  });
});
