import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { JOB_REGISTRY, JOB_SECRET_ENVS } from '../../packages/automation-core/src/job-registry.js';
import { WORKSPACE_LAYOUT } from '../../packages/automation-core/src/workspace-layout.js';
import { makeWorkspace, REPO_ROOT } from '../support/cli-process.js';
import { isCronSchedule } from '../support/cron-schedule.js';
import {
  type BuiltRelease,
  buildRelease,
  currentUser,
  DEPLOYED,
  deployFile,
  runShell,
  withPaths,
} from '../support/release.js';

const execFileAsync = promisify(execFile);

const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';
const LOGROTATE = '/usr/sbin/logrotate';

/** The research system's files the jobs read, and the job configs; every other layout path is job state. */
const RESEARCH_INPUTS = [
  'runsRoot',
  'portfolioSummary',
  'benchmarkSummary',
  'healthChecks',
  'stateArchiveDir',
  'routerTelemetry',
] as const satisfies readonly (keyof typeof WORKSPACE_LAYOUT)[];
const layoutPaths = (select: (key: string) => boolean) =>
  Object.entries(WORKSPACE_LAYOUT)
    .filter(([key]) => select(key))
    .map(([, path]) => path);
const RESEARCH_PATHS = layoutPaths((key) => (RESEARCH_INPUTS as readonly string[]).includes(key));
const CONFIG_PATHS = layoutPaths((key) => key.endsWith('Config'));
const STATE_PATHS = layoutPaths(
  (key) => !(RESEARCH_INPUTS as readonly string[]).includes(key) && !key.endsWith('Config'),
);

let built: BuiltRelease;
let dir: string;
let cleanup: () => Promise<void>;
let prefix: string;

/** A Dockerfile's instructions, continuation lines joined. */
function dockerfileInstructions(): { keyword: string; args: string }[] {
  return deployFile('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.trim().split(/\s+/);
      return { keyword, args: rest.join(' ') };
    });
}

beforeAll(async () => {
  ({ root: dir, cleanup } = await makeWorkspace('obs-deploy-'));
  built = await buildRelease(join(dir, 'dist-release'));
  prefix = join(dir, 'srv/obs-automation');
  // The image's steps: COPY the tarball to /tmp/, then the RUN that unpacks and installs it.
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  await copyFile(built.tarball_path, join(tmp, `obs-automation-${built.release}.tar.gz`));
  const install = dockerfileInstructions().find(
    (instruction) => instruction.keyword === 'RUN' && instruction.args.includes('install.sh'),
  );
  const command = withPaths(
    (install?.args ?? '').replaceAll(`\${VERSION}`, built.release).replace(/\/tmp(?=\/|\s|$)/g, tmp),
    { [DEPLOYED.prefix]: prefix, '--user obs': `--user ${currentUser()}` },
  );
  const result = await runShell(command, { cwd: dir, env: process.env, shell: '/bin/sh' });
  expect(result.exitCode, result.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await cleanup?.();
});

/** `Key=value` lines of a unit file's section, in order. */
function unitSettings(text: string, section: string): [string, string][] {
  const body = text.split(`[${section}]\n`)[1]?.split(/\n\[/)[0] ?? '';
  return body
    .split('\n')
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

const setting = (settings: [string, string][], key: string) =>
  settings.filter(([name]) => name === key).map(([, value]) => value);

/** Folders the research system owns whole: a job writes only into a folder of its own below them. */
const RESEARCH_ROOTS = ['runs', 'reports'];
/** The folders the jobs write into: every state path's first segment, or its first two below a research root. */
const STATE_FOLDERS = [
  ...new Set(
    STATE_PATHS.map((path) => {
      const segments = path.split('/');
      return segments.slice(0, RESEARCH_ROOTS.includes(segments[0] as string) ? 2 : 1).join('/');
    }),
  ),
].sort();

/** The docs/deploy files each describe block checks; a file nobody checks fails the first test. */
const CHECKED = new Set<string>();
const checks = (...names: string[]) => {
  for (const name of names) CHECKED.add(name);
};

describe('docs/deploy', () => {
  it('checks every file of the folder', () => {
    expect(readdirSync(join(REPO_ROOT, 'docs/deploy')).sort()).toEqual([...CHECKED].sort());
  });

  describe('the Dockerfile', () => {
    checks('Dockerfile');
    const instructions = dockerfileInstructions();
    const first = (keyword: string) =>
      instructions.find((instruction) => instruction.keyword === keyword)?.args;

    it('installs the release with its own installer on Node.js 20 slim, as an unprivileged user', async () => {
      expect(first('FROM')).toBe('node:20-slim');
      expect(first('USER')).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
      expect(first('WORKDIR')).toBe(DEPLOYED.prefix);
      expect(first('ENV')).toContain(`OBS_ROOT=${DEPLOYED.prefix}`);
      expect(JSON.parse(first('CMD') ?? '[]')).toEqual(['./bin/obs-daily', '--observability']);
      // The installer the image runs, run here: the prefix it made works.
      const version = await runShell(`${join(prefix, 'bin/obs-daily')} --version`, {
        cwd: dir,
        env: process.env,
      });
      expect(version.stdout).toBe(`obs-daily ${built.release} (${built.commit})\n`);
    });

    it('runs the jobs as the account it creates and Kubernetes runs as', () => {
      const [uid, gid] = (first('USER') ?? '').split(':');
      const accounts = instructions.find((instruction) => instruction.args.includes('useradd'))?.args ?? '';
      expect(accounts).toContain(`--gid ${gid} obs`);
      expect(accounts).toContain(`--uid ${uid} --gid obs`);
      for (const job of cronJobs()) {
        expect(job.spec.jobTemplate.spec.template.spec.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: Number(uid),
          runAsGroup: Number(gid),
        });
      }
    });
  });

  describe('the crontab', () => {
    checks('crontab');
    const lines = deployFile('crontab')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    const entries = lines
      .filter((line) => !/^[A-Z_]+=/.test(line))
      .map((line) => ({
        schedule: line.split(/\s+/).slice(0, 5).join(' '),
        command: line.split(/\s+/).slice(5).join(' '),
      }));

    it('runs the chain and the verification from the installed bin/, logging into a folder it creates', () => {
      expect(lines).toEqual(
        expect.arrayContaining([
          'CRON_TZ=UTC',
          `OBS_ROOT=${DEPLOYED.prefix}`,
          `OBS_ENV_FILE=${DEPLOYED.envFile}`,
        ]),
      );
      expect(entries.map((entry) => /\.\/bin\/(obs-[a-z]+)/.exec(entry.command)?.[1])).toEqual([
        'obs-daily',
        'obs-verify',
      ]);
      for (const entry of entries) {
        expect(isCronSchedule(entry.schedule), entry.schedule).toBe(true);
        expect(entry.command).toMatch(
          /^cd "\$OBS_ROOT" && mkdir -p log && set -a && \. "\$OBS_ENV_FILE" && set \+a && \.\/bin\/obs-/,
        );
        expect(entry.command).toMatch(/ >>log\/obs-[a-z]+\.log 2>&1$/);
      }
    });
  });

  describe('systemd', () => {
    checks('obs-daily.service', 'obs-daily.timer', 'obs-verify.service', 'obs-verify.timer');
    const services = { 'obs-daily': 'obs-daily.service', 'obs-verify': 'obs-verify.service' } as const;
    const missing = !existsSync(SYSTEMD_ANALYZE);

    it('has a service for the chain and one for the verification, sandboxed alike', () => {
      const sandbox = Object.values(services).map((name) => deployFile(name).split('# Sandbox')[1]);
      expect(sandbox[0]).toBeDefined();
      expect(sandbox[1]).toBe(sandbox[0]);
      for (const [binary, name] of Object.entries(services)) {
        const settings = unitSettings(deployFile(name), 'Service');
        expect(setting(settings, 'ExecStart')[0]).toMatch(
          new RegExp(`^${DEPLOYED.prefix}/bin/${binary}( |$)`),
        );
        expect(setting(settings, 'WorkingDirectory')).toEqual([DEPLOYED.prefix]);
        expect(setting(settings, 'EnvironmentFile')).toEqual([DEPLOYED.envFile]);
        expect(setting(settings, 'TimeoutStartSec')).toHaveLength(1);
        expect(setting(settings, 'Nice')).toHaveLength(1);
        expect(setting(settings, 'ProtectSystem')).toEqual(['strict']);
        expect(setting(settings, 'NoNewPrivileges')).toEqual(['yes']);
        expect(setting(settings, 'PrivateTmp')).toEqual(['yes']);
        expect(setting(settings, 'ReadWritePaths').join(' ').split(' ').sort()).toEqual(
          STATE_FOLDERS.map((folder) => `${DEPLOYED.prefix}/${folder}`),
        );
      }
    });

    it.skipIf(missing)('passes systemd-analyze verify against an installed release', async () => {
      const units = join(dir, 'systemd');
      await mkdir(units, { recursive: true });
      await writeFile(join(dir, 'env'), '');
      const names = readdirSync(join(REPO_ROOT, 'docs/deploy')).filter((name) =>
        /\.(service|timer)$/.test(name),
      );
      for (const name of names) {
        await writeFile(
          join(units, name),
          withPaths(deployFile(name), { [DEPLOYED.prefix]: prefix, [DEPLOYED.envFile]: join(dir, 'env') }),
        );
      }
      const result = await runShell(`${SYSTEMD_ANALYZE} verify --man=no ${names.join(' ')}`, {
        cwd: units,
        env: process.env,
      });
      expect(result, `${result.stdout}${result.stderr}`).toMatchObject({
        exitCode: 0,
        stdout: '',
        stderr: '',
      });
    });

    it.skipIf(missing)(
      'scores the exposure the deploy guide states with systemd-analyze security',
      async () => {
        const guide = readFileSync(join(REPO_ROOT, 'docs/deploy/README.md'), 'utf8');
        const stated = /`systemd-analyze security` rates both at\s+\*\*([0-9.]+ [A-Z]+)\*\*/.exec(guide)?.[1];
        for (const name of Object.values(services)) {
          const { stdout } = await execFileAsync(
            SYSTEMD_ANALYZE,
            ['security', '--offline=true', join('docs/deploy', name)],
            {
              cwd: REPO_ROOT,
            },
          );
          expect(/Overall exposure level for \S+: ([0-9.]+ [A-Z]+)/.exec(stdout)?.[1], name).toBe(stated);
        }
      },
    );

    it.skipIf(missing)(
      'timers start the chain every 15 minutes and the verification nightly, in UTC',
      async () => {
        const periods = { 'obs-daily.timer': 'daily', 'obs-verify.timer': 'verify' } as const;
        for (const [timer, job] of Object.entries(periods)) {
          const [calendar = ''] = setting(unitSettings(deployFile(timer), 'Timer'), 'OnCalendar');
          expect(calendar).toMatch(/ UTC$/);
          const { stdout } = await execFileAsync(SYSTEMD_ANALYZE, ['calendar', '--iterations=2', calendar]);
          const [next, after] = [...stdout.matchAll(/(?:Next elapse|Iter\. #2): \w+ (\S+ \S+) UTC/g)].map(
            (match) => Date.parse(`${match[1]?.replace(' ', 'T')}Z`),
          );
          const period = JOB_REGISTRY.find((entry) => entry.name === job)?.schedule.periodSeconds;
          expect(((after ?? 0) - (next ?? 0)) / 1000, timer).toBe(period);
        }
      },
    );
  });

  describe('logrotate', () => {
    checks('obs-automation.logrotate');
    const missing = !existsSync(LOGROTATE);

    /** The snippet with this test's folder and account, written where logrotate accepts it. */
    async function snippet(): Promise<{ config: string; state: string; logs: string }> {
      const { stdout: group } = await execFileAsync('id', ['-gn']);
      const root = join(dir, 'logrotate');
      await mkdir(join(root, 'log'), { recursive: true });
      const config = join(root, 'obs-automation');
      await writeFile(
        config,
        withPaths(deployFile('obs-automation.logrotate'), {
          [DEPLOYED.prefix]: root,
          'su obs obs': `su ${currentUser()} ${group.trim()}`,
        }),
        { mode: 0o644 },
      );
      return { config, state: join(root, 'state'), logs: join(root, 'log') };
    }

    it("covers the crontab's log files", () => {
      const glob = /^(\/\S+) \{$/m.exec(deployFile('obs-automation.logrotate'))?.[1] ?? '';
      const logs = [...deployFile('crontab').matchAll(/>>(log\/\S+\.log)/g)].map((match) => match[1]);
      expect(logs).toHaveLength(2);
      const pattern = new RegExp(
        `^${glob
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*')}$`,
      );
      for (const log of logs) expect(`${DEPLOYED.prefix}/${log}`, log).toMatch(pattern);
    });

    it.skipIf(missing)('parses cleanly with logrotate -d and rotates a log', async () => {
      const { config, state, logs } = await snippet();
      const dry = await runShell(`${LOGROTATE} -d -s ${state} ${config}`, { cwd: dir, env: process.env });
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(`${dry.stdout}${dry.stderr}`).not.toMatch(/error/i);
      await writeFile(join(logs, 'obs-daily.log'), '{"status":"ok"}\n');
      const rotated = await runShell(`${LOGROTATE} -f -s ${state} ${config}`, { cwd: dir, env: process.env });
      expect(rotated.exitCode, rotated.stderr).toBe(0);
      expect(readdirSync(logs)).toEqual([expect.stringMatching(/^obs-daily\.log-[0-9]{8}$/)]);
    });
  });

  describe('Kubernetes', () => {
    checks('kubernetes-cronjobs.yaml');

    it('has a CronJob for the chain and one for the verification, one run at a time, in UTC', () => {
      const jobs = cronJobs();
      expect(jobs.map((job) => job.metadata.name)).toEqual(['obs-daily', 'obs-verify']);
      const crontab = deployFile('crontab');
      for (const job of jobs) {
        expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'CronJob' });
        expect(job.spec).toMatchObject({ concurrencyPolicy: 'Forbid', timeZone: 'Etc/UTC' });
        expect(isCronSchedule(job.spec.schedule)).toBe(true);
        // The same schedule as the crontab line of the same binary.
        expect(crontab).toContain(`${job.spec.schedule} cd "$OBS_ROOT"`);
        expect(crontab.split('\n').find((line) => line.startsWith(job.spec.schedule))).toContain(
          `./bin/${job.metadata.name} `,
        );
        const pod = job.spec.jobTemplate.spec.template.spec;
        expect(pod.restartPolicy).toBe('Never');
        const [container] = pod.containers;
        expect(container?.command[0]).toBe(`./bin/${job.metadata.name}`);
        expect(container?.workingDir).toBe(DEPLOYED.prefix);
        expect(container?.env).toContainEqual({ name: 'OBS_ROOT', value: DEPLOYED.prefix });
        expect(container?.envFrom).toEqual([{ secretRef: { name: 'obs-automation' } }]);
        expect(container?.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        });
        const volumes = new Set(pod.volumes.map((volume) => volume.name));
        for (const mount of container?.volumeMounts ?? []) expect(volumes, mount.name).toContain(mount.name);
        expect(mountFor(job, '/tmp/x')?.name).toBe('tmp');
      }
    });

    it("mounts every path the jobs read or write, the research system's read-only", () => {
      const [chain, verify] = cronJobs() as [CronJob, CronJob];
      const where = (job: CronJob, path: string) => {
        const mount = mountFor(job, `${DEPLOYED.prefix}/${path}`);
        const volume = job.spec.jobTemplate.spec.template.spec.volumes.find(
          (entry) => entry.name === mount?.name,
        );
        return {
          path,
          mounted: mount !== undefined,
          readOnly: mount?.readOnly === true,
          persistent: 'persistentVolumeClaim' in (volume ?? {}),
        };
      };
      for (const path of RESEARCH_PATHS) {
        expect(where(chain, path)).toEqual({ path, mounted: true, readOnly: true, persistent: true });
      }
      for (const path of CONFIG_PATHS)
        expect(where(chain, path)).toMatchObject({ path, mounted: true, readOnly: true });
      for (const job of [chain, verify]) {
        for (const path of STATE_PATHS) {
          expect(where(job, path)).toEqual({ path, mounted: true, readOnly: false, persistent: true });
        }
      }
      const research = chain.spec.jobTemplate.spec.template.spec.volumes.find(
        (volume) => volume.name === 'research',
      );
      expect(research?.persistentVolumeClaim?.readOnly).toBe(true);
    });
  });

  describe('GitHub Actions', () => {
    checks('github-actions-verify.yml');
    const [document] = parseAllDocuments(deployFile('github-actions-verify.yml'));
    const workflow = document?.toJS() as Workflow;

    it('parses, runs nightly with least privilege, and every step is a run or a uses', () => {
      expect(document?.errors).toEqual([]);
      expect(workflow.on.schedule.map((entry) => entry.cron).every(isCronSchedule)).toBe(true);
      expect(workflow.permissions).toEqual({});
      for (const job of Object.values(workflow.jobs)) {
        expect(job['runs-on']).toBeDefined();
        expect(job['timeout-minutes']).toBeGreaterThan(0);
        for (const step of job.steps)
          expect(Number('run' in step) + Number('uses' in step), step.name).toBe(1);
      }
    });

    it("refers only to steps before it, and to the jobs' own secrets", () => {
      const text = deployFile('github-actions-verify.yml');
      const secrets = [...text.matchAll(/\$\{\{\s*secrets\.([A-Z_]+)\s*\}\}/g)].map((match) => match[1]);
      expect(secrets.sort()).toEqual([...JOB_SECRET_ENVS].sort());
      for (const job of Object.values(workflow.jobs)) {
        job.steps.forEach((step, index) => {
          for (const match of JSON.stringify(step).matchAll(/steps\.([a-z_-]+)\.outputs\.([a-z_]+)/g)) {
            const source = job.steps.slice(0, index).find((earlier) => earlier.id === match[1]);
            expect(source?.run, match[0]).toContain(`echo "${match[2]}=`);
          }
        });
      }
    });
  });

  describe('the environment file', () => {
    checks('obs-automation.env.example');

    it("defines every job's secret variable, shell- and systemd-readable", async () => {
      const text = deployFile('obs-automation.env.example');
      const assignments = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
      for (const line of assignments) expect(line).toMatch(/^[A-Z][A-Z0-9_]*='[^']*'$/);
      const file = join(dir, 'env.example');
      await writeFile(file, text);
      const sourced = await runShell(`set -a && . ${file} && set +a && env`, { cwd: dir, env: {} });
      const names = sourced.stdout.split('\n').map((line) => line.split('=')[0]);
      expect(names).toEqual(expect.arrayContaining([...JOB_SECRET_ENVS]));
    });
  });

  describe('the deploy guide', () => {
    checks('README.md');
    // Checked with promtool by tests/metrics/.
    checks('prometheus');

    it('lists and links every file of the folder', () => {
      const guide = deployFile('README.md');
      const links = [...guide.matchAll(/\]\(([^)#]+)\)/g)].map((match) => match[1] as string);
      for (const link of links) expect(existsSync(join(REPO_ROOT, 'docs/deploy', link)), link).toBe(true);
      for (const name of readdirSync(join(REPO_ROOT, 'docs/deploy')).filter((name) => name !== 'README.md')) {
        expect(guide, name).toContain(`[\`${name}\`](${name})`);
      }
    });
  });
});

interface Mount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

interface CronJob {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    schedule: string;
    concurrencyPolicy: string;
    timeZone: string;
    jobTemplate: {
      spec: {
        template: {
          spec: {
            restartPolicy: string;
            securityContext: Record<string, unknown>;
            containers: {
              command: string[];
              workingDir: string;
              env: { name: string; value: string }[];
              envFrom: unknown[];
              securityContext: Record<string, unknown>;
              volumeMounts: Mount[];
            }[];
            volumes: { name: string; persistentVolumeClaim?: { claimName: string; readOnly?: boolean } }[];
          };
        };
      };
    };
  };
}

interface Workflow {
  on: { schedule: { cron: string }[] };
  permissions: unknown;
  jobs: Record<
    string,
    {
      'runs-on': unknown;
      'timeout-minutes': number;
      steps: { name: string; id?: string; run?: string; uses?: string }[];
    }
  >;
}

function cronJobs(): CronJob[] {
  return parseAllDocuments(deployFile('kubernetes-cronjobs.yaml')).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as CronJob;
  });
}

/** The deepest mount of a CronJob's container that holds `path`. */
function mountFor(job: CronJob, path: string): Mount | undefined {
  const mounts = job.spec.jobTemplate.spec.template.spec.containers[0]?.volumeMounts ?? [];
  return mounts
    .filter((mount) => path === mount.mountPath || path.startsWith(`${mount.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
}
