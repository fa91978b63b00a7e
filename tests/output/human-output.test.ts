import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWorkspace, NOW, writeSampleInputs } from '../status/support/status-workspace.js';
import { BIN, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { HAS_SCRIPT, plainText, runInTerminal, widestLine } from '../support/pseudo-terminal.js';
import { problemLines } from '../support/runbook.js';

let temp: string;
let cleanup: () => Promise<void>;
let inputs: string;
let copies = 0;

async function workspace(): Promise<string> {
  copies += 1;
  const root = join(temp, `ws-${copies}`);
  await copyWorkspace(inputs, root);
  return root;
}

beforeAll(async () => {
  ({ root: temp, cleanup } = await makeWorkspace('obs-output-'));
  inputs = join(temp, 'inputs');
  await writeSampleInputs(inputs);
  // the rollup obs-weekly and obs-dashboard read
  const latency = await runCli(BIN.latency, ['--dry-run-alert', '--root', inputs, '--now', NOW]);
  expect(latency.exitCode, latency.stdout).toBe(0);
}, 60_000);
afterAll(() => cleanup());

/** Every binary's main command on the sample workspace, with nothing sent or uploaded. */
const COMMANDS = [
  { binary: 'obs-latency', bin: BIN.latency, args: ['--dry-run-alert'] },
  {
    binary: 'obs-latency',
    bin: BIN.latency,
    args: ['record', '--source', 'router_demo', '--latency-ms', '412'],
  },
  { binary: 'obs-weekly', bin: BIN.weekly, args: ['--dry-run-webhook'] },
  { binary: 'obs-dashboard', bin: BIN.dashboard, args: ['--dry-run'] },
  { binary: 'obs-verify', bin: BIN.verify, args: [] },
  { binary: 'obs-verify kpi', bin: BIN.verify, args: ['kpi', '--since', '7d'] },
  { binary: 'obs-daily', bin: BIN.daily, args: ['--observability', '--dry-run'] },
  { binary: 'obs-status', bin: BIN.status, args: [] },
].map((command) => ({ ...command, name: [command.binary, ...command.args].join(' ') }));

describe('stdout through a pipe: the JSON document on one line', () => {
  it.each(COMMANDS)('$name', async ({ bin, args }) => {
    const root = await workspace();
    const result = await runCli(bin, [...args, '--root', root, '--now', NOW]);
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.stdout.slice(0, -1)).not.toContain('\n');
    expect(result.json()).toMatchObject({ status: expect.any(String), job_id: expect.any(String) });
  });

  it('--pretty indents the same document; --json-out always writes it whole, indented', async () => {
    const root = await workspace();
    const args = ['--dry-run', '--root', root, '--now', NOW, '--json-out', 'out/summary.json'];
    const pretty = await runCli(BIN.dashboard, [...args, '--pretty']);
    expect(pretty.stdout.split('\n').length).toBeGreaterThan(20);
    expect(pretty.stdout).toMatch(/^\{\n {2}"status": "dry_run",\n/);
    const file = await readFile(join(root, 'out/summary.json'), 'utf8');
    expect(file).toBe(pretty.stdout);
    const plain = await runCli(BIN.dashboard, args);
    const { duration_ms: _a, ...oneLine } = plain.json();
    const { duration_ms: _b, ...indented } = JSON.parse(pretty.stdout);
    expect(Object.keys(oneLine)).toEqual(Object.keys(indented));
    expect(JSON.parse(await readFile(join(root, 'out/summary.json'), 'utf8')).job_id).toBe(oneLine.job_id);
  });
});

describe.skipIf(!HAS_SCRIPT)('stdout on a terminal (script from util-linux): a summary for people', () => {
  it.each(COMMANDS)('$name', async ({ binary, bin, args }) => {
    const root = await workspace();
    const result = await runInTerminal(bin, [...args, '--root', root, '--now', NOW]);
    expect(() => JSON.parse(result.screen)).toThrow();
    const screen = plainText(result.screen);
    expect(screen.startsWith(binary.replace(/ .*/, ''))).toBe(true);
    if (binary !== 'obs-status') {
      expect(screen).toMatch(/^ {2}wrote {4}/m);
      expect(screen).toMatch(/^ {2}next {5}\S/m);
    }
    if (binary === 'obs-verify kpi') expect(screen).toMatch(/^ {2}found {4}\S+ → \S+: \d+ runs, /m);
    expect(widestLine(result.screen)).toBeLessThanOrEqual(100);
  });

  it('says what the chain found (the latency breach on top), what it wrote and what to do', async () => {
    const root = await workspace();
    const result = await runInTerminal(BIN.daily, [
      '--observability',
      '--dry-run',
      '--root',
      root,
      '--now',
      NOW,
    ]);
    expect(result.exitCode).toBe(0);
    const lines = plainText(result.screen).split('\n');
    expect(lines[0]).toMatch(/^obs-daily {2}dry_run {2}20251006T120000Z-daily {2}\d+ ms$/);
    expect(lines[1]).toMatch(/^ {2}found {4}latency {4}dry_run {2}critical latency_breach$/);
    expect(lines.length).toBeLessThan(20);
    expect(plainText(result.screen)).toContain('a rehearsal: nothing was sent or uploaded');
  });

  it('a real chain: next lists the runbook rows of what its jobs found, not only its own', async () => {
    const root = await workspace();
    const result = await runInTerminal(BIN.daily, ['--observability', '--root', root, '--now', NOW]);
    expect(result.exitCode).toBe(1);
    const screen = plainText(result.screen);
    expect(screen).toMatch(/^obs-daily {2}error /);
    const next = screen.slice(screen.indexOf('  next'), screen.indexOf('  details')).trimEnd().split('\n');
    expect(next.map((line) => line.replace(/^ {2}(next)? +/, ''))).toEqual([
      'job_failed: docs/runbook.md#job_failed',
      'latency_breach: docs/runbook.md#latency_breach',
      'no_receiver: docs/runbook.md#no_receiver',
      'missing_secret: docs/runbook.md#missing_secret',
      'upstream_failed: docs/runbook.md#upstream_failed',
    ]);
  });

  it('--json prints the one-line document on a terminal too; NO_COLOR and --no-color drop every colour', async () => {
    const root = await workspace();
    const args = ['--dry-run', '--root', root, '--now', NOW];
    const json = await runInTerminal(BIN.dashboard, [...args, '--json']);
    expect(json.screen.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(json.screen).status).toBe('dry_run');
    const colour = await runInTerminal(BIN.dashboard, args);
    expect(colour.screen).toContain('\u001b[');
    const noColor = await runInTerminal(BIN.dashboard, args, { env: cleanEnv({ NO_COLOR: '1' }) });
    expect(noColor.screen).not.toContain('\u001b');
    const flag = await runInTerminal(BIN.dashboard, [...args, '--no-color']);
    expect(flag.screen).not.toContain('\u001b');
  });

  it('a failure on a terminal: the problem, the runbook anchor, and the same line on stderr', async () => {
    const root = await workspace();
    const result = await runInTerminal(BIN.weekly, ['--root', root, '--now', NOW]);
    expect(result.exitCode).toBe(1);
    const screen = plainText(result.screen);
    expect(screen).toMatch(/^obs-weekly {2}error /);
    expect(screen).toMatch(/^ {2}problem {2}missing_secret: /m);
    expect(screen).toMatch(/^ {2}next {5}missing_secret: docs\/runbook\.md#missing_secret$/m);
    expect(problemLines(result.stderr).map((line) => line.code)).toEqual(['missing_secret']);
  });
});

describe('stderr: one line per problem, with a runbook anchor that exists', () => {
  it('a usage error: the suggestion, never the help', async () => {
    const result = await runCli(BIN.status, ['--jbos', 'latency']);
    expect(result.exitCode).toBe(2);
    expect(problemLines(result.stderr)).toEqual([
      {
        binary: 'obs-status',
        code: 'invalid_usage',
        message: "unknown option '--jbos' (Did you mean --jobs?)",
      },
    ]);
  });

  it('a real chain without the webhook variables: the breach and that nobody was told, missing_secret, then the chain', async () => {
    const root = await workspace();
    const result = await runCli(BIN.daily, ['--observability', '--root', root, '--now', NOW]);
    expect(result.exitCode).toBe(1);
    expect(problemLines(result.stderr).map((line) => `${line.binary} ${line.code}`)).toEqual([
      'obs-latency latency_breach',
      'obs-latency no_receiver',
      'obs-weekly missing_secret',
      'obs-daily job_failed',
    ]);
  });

  it('a job skipped for its lock says so: lock_not_acquired', async () => {
    const root = await workspace();
    const lock = join(root, 'ops/.weekly.lock');
    await mkdir(lock, { recursive: true });
    await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: 'x' }));
    const fresh = new Date();
    await utimes(lock, fresh, fresh);
    const result = await runCli(BIN.weekly, ['--dry-run-webhook', '--root', root, '--now', NOW]);
    expect(result.exitCode).toBe(0);
    expect(result.json().status).toBe('skipped');
    expect(problemLines(result.stderr).map((line) => line.code)).toEqual(['lock_not_acquired']);
  });

  it('a failed upload: upload_failed', async () => {
    const root = await workspace();
    const result = await runCli(BIN.dashboard, [
      '--root',
      root,
      '--now',
      NOW,
      '--upload-command',
      'exit 3',
      '--upload-retries',
      '0',
    ]);
    expect(result.exitCode).toBe(1);
    expect(problemLines(result.stderr).map((line) => line.code)).toEqual(['upload_failed']);
  });

  it('a missing input: missing_input naming the file', async () => {
    const { root, cleanup: done } = await makeWorkspace('obs-output-empty-');
    try {
      const result = await runCli(BIN.weekly, ['--dry-run-webhook', '--root', root, '--now', NOW]);
      expect(result.exitCode).toBe(1);
      const [line] = problemLines(result.stderr);
      expect(line).toMatchObject({ binary: 'obs-weekly', code: 'missing_input' });
      expect(line?.message).toContain('runs/index.csv');
    } finally {
      await done();
    }
  });

  it('a run that succeeds prints nothing on stderr', async () => {
    const root = await workspace();
    const result = await runCli(BIN.dashboard, ['--dry-run', '--root', root, '--now', NOW]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe('a reader that closes the pipe early', () => {
  it('ends the command without a stack trace, its exit code unchanged', async () => {
    const root = await workspace();
    const child = spawn(process.execPath, [BIN.status, '--root', root, '--now', NOW], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // `obs-status | head -c 0`: the reading end goes away before anything is written
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const [exitCode] = (await once(child, 'close')) as [number | null];
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect([0, 1]).toContain(exitCode);
  });
});
