import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_REGISTRY } from '../../packages/automation-core/src/job-registry.js';
import { BIN, type CliResult, cleanEnv, makeWorkspace, REPO_ROOT, runCli } from '../support/cli-process.js';
import { optionsOf } from '../verify/support/help-text.js';

const RELEASE = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** Every command of every binary: the binary's own, then each subcommand the registry lists. */
const COMMANDS = JOB_REGISTRY.flatMap((job) => [
  { binary: job.binary, bin: BIN[job.name], args: [] as string[] },
  ...job.subcommands.map((subcommand) => ({
    binary: job.binary,
    bin: BIN[job.name],
    args: [subcommand.name],
  })),
]).map((command) => ({ ...command, name: [command.binary, ...command.args].join(' ') }));

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-command-line-'));
});
afterAll(() => cleanup());

/** The usage error contract: exit 2, one JSON summary on stdout, one line on stderr with the runbook anchor. */
function expectUsageError(result: CliResult, binary: string): Record<string, string> {
  expect(result.exitCode, result.stderr).toBe(2);
  const diagnostics = result.json().diagnostics as Record<string, string>;
  expect(result.stderr).toBe(
    `${binary}: ${diagnostics.error_code}: ${diagnostics.error_message} (docs/runbook.md#${diagnostics.error_code})\n`,
  );
  return diagnostics;
}

describe('--version', () => {
  it.each(COMMANDS)(
    '$name --version prints the binary, the release and the commit',
    async ({ binary, bin, args }) => {
      const result = await runCli(bin, [...args, '--version'], { env: cleanEnv() });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`^${binary} ${RELEASE.replace(/\./g, '\\.')} \\(([0-9a-f]{7,40}|unknown)\\)\\n$`),
      );
      expect(result.stderr).toBe('');
    },
  );
});

describe('--help', () => {
  it.each(COMMANDS)(
    '$name --help has the one layout: usage, every flag with its default, examples, exit codes',
    async ({ name, bin, args }) => {
      const result = await runCli(bin, [...args, '--help'], { env: cleanEnv() });
      expect(result.exitCode).toBe(0);
      // Wrapped descriptions joined, so that each flag reads as one line.
      const help = result.stdout.replace(/\n {10,}/g, ' ');
      expect(help.startsWith(`Usage: ${name} [options]`)).toBe(true);
      const options = optionsOf(help);
      expect(options.length).toBeGreaterThan(3);
      for (const option of options) expect(option).toMatch(/\(default: [^)]+\)$/);
      expect(help).toMatch(/\n {2}-V, --version +print the binary, its release and commit, then exit\n/);
      expect(help).toMatch(new RegExp(`\\nExamples:\\n {2}(\\S+ )*${name}\\s`));
      const exitCodes =
        name === 'obs-status'
          ? /\nExit codes: 0 healthy; 1 something needs attention; 2 invalid usage or config\.\n.*docs\/runbook\.md#exit-codes\n/
          : /\nExit codes: 0 ok, warning, dry_run or skipped; 1 the run failed; 2 invalid usage or config\.\n.*docs\/runbook\.md#exit-codes\n/;
      expect(help).toMatch(exitCodes);
    },
  );

  it.each(JOB_REGISTRY.filter((job) => job.subcommands.length > 0))(
    '$binary --help lists its subcommands',
    async (job) => {
      const help = (await runCli(BIN[job.name], ['--help'], { env: cleanEnv() })).stdout.replace(
        /\n {10,}/g,
        ' ',
      );
      const commands = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
      for (const subcommand of job.subcommands) {
        expect(commands).toMatch(
          new RegExp(`^ {2}${subcommand.name}( \\[options\\])? +${subcommand.summary}`, 'm'),
        );
      }
    },
  );
});

describe('usage errors', () => {
  it.each([
    ['latency', [], '--dry-rum', '--dry-run'],
    ['latency', ['record'], '--latency-mss', '--latency-ms'],
    ['weekly', [], '--force-sned', '--force-send'],
    ['dashboard', [], '--upload-comand', '--upload-command'],
    ['verify', [], '--check-secret', '--check-secrets'],
    ['verify', ['bundle'], '--expected-datset', '--expected-dataset'],
    ['verify', ['rebuild-log'], '--aply', '--apply'],
    ['verify', ['kpi'], '--sinse', '--since'],
    ['daily', [], '--observabilty', '--observability'],
  ] as const)(
    '%s %j %s: one stderr line with the suggestion, the JSON on stdout',
    async (name, args, typo, meant) => {
      const job = JOB_REGISTRY.find((entry) => entry.name === name);
      const result = await runCli(BIN[name], [...args, '--root', root, typo], { env: cleanEnv() });
      const diagnostics = expectUsageError(result, job?.binary ?? '');
      expect(diagnostics).toMatchObject({ error_code: 'invalid_usage', flag: typo });
      expect(diagnostics.error_message).toBe(`unknown option '${typo}' (Did you mean ${meant}?)`);
    },
  );

  it('names the subcommands for an unknown one', async () => {
    const result = await runCli(BIN.verify, ['bundel', '--root', root], { env: cleanEnv() });
    expect(expectUsageError(result, 'obs-verify').error_message).toBe(
      "unknown command 'bundel' (the subcommands are bundle, rebuild-log, kpi, completion)",
    );
  });

  it('wants the subcommand first', async () => {
    const result = await runCli(BIN.verify, ['--root', root, 'bundle'], { env: cleanEnv() });
    expect(expectUsageError(result, 'obs-verify').error_message).toContain('bundle must come first');
  });

  it.each([
    [BIN.dashboard, 'obs-dashboard', ['--indent', ''], '--indent'],
    [BIN.weekly, 'obs-weekly', ['--max-retries', ''], '--max-retries'],
    [BIN.weekly, 'obs-weekly', ['--timeout-seconds', '1e'], '--timeout-seconds'],
    [BIN.latency, 'obs-latency', ['--max-raw-bytes', '0x10'], '--max-raw-bytes'],
    [BIN.verify, 'obs-verify', ['--max-heartbeat-age-hours', ' '], '--max-heartbeat-age-hours'],
    [BIN.latency, 'obs-latency', ['record', '--lock-wait-seconds', 'abc'], '--lock-wait-seconds'],
    [BIN.daily, 'obs-daily', ['--observability', '--lock-stale-seconds', ''], '--lock-stale-seconds'],
  ])('%s %j is exit 2 naming the flag, whatever the job', async (bin, binary, args, flag) => {
    const result = await runCli(bin, [...args, '--root', root], { env: cleanEnv() });
    const diagnostics = expectUsageError(result, binary);
    expect(diagnostics).toMatchObject({ error_code: 'invalid_usage', flag });
    expect(diagnostics.error_message).toMatch(new RegExp(`^${flag}: must be .*, got `));
  });

  it.each([
    ['dashboard', 'configs/observability/dashboard_export.yaml', 'indent: ""\n', 'indent'],
    [
      'dashboard',
      'configs/observability/dashboard_export.yaml',
      'paths:\n  history_dir: " "\n',
      'paths.history_dir',
    ],
    ['weekly', 'configs/observability/weekly_payload.yaml', 'max_retries: "0x10"\n', 'max_retries'],
    ['latency', 'configs/observability/latency.yaml', 'window: 1e\n', 'window'],
  ] as const)('%s config %s %j is exit 2 naming the key path', async (name, file, yaml, key) => {
    const { root: workspace, cleanup: done } = await makeWorkspace('obs-command-line-config-');
    try {
      await mkdir(join(workspace, 'configs/observability'), { recursive: true });
      await writeFile(join(workspace, file), yaml);
      const job = JOB_REGISTRY.find((entry) => entry.name === name);
      const result = await runCli(BIN[name], ['--root', workspace], { env: cleanEnv() });
      const diagnostics = expectUsageError(result, job?.binary ?? '');
      expect(diagnostics).toMatchObject({ error_code: 'invalid_config', key });
      expect(diagnostics.error_message).toContain(`${file}: key ${key}: must be`);
    } finally {
      await done();
    }
  });
});
