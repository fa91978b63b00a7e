import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runShellCommand } from './shell-command.js';
import { runUploadCommand } from './upload-command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shell-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const never = new AbortController().signal;

/** Running (a killed process left unreaped as a zombie is not). */
async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('runShellCommand', () => {
  it('runs through /bin/sh in the given folder with the given environment', async () => {
    const result = await runShellCommand('pwd; echo "$GREETING"; echo oops >&2; exit 4', {
      cwd: dir,
      env: { ...process.env, GREETING: 'hello' },
      timeoutMs: 10_000,
      signal: never,
    });
    expect(result).toMatchObject({ returncode: 4, timedOut: false, stderrTail: 'oops\n' });
    expect(result.stdoutTail).toContain('hello');
    expect(result.stdoutTail).toContain(dir.split('/').at(-1));
  });

  it('kills the whole process group on timeout, including what the command started', async () => {
    const pidFile = join(dir, 'child.pid');
    const started = performance.now();
    const result = await runShellCommand(`sleep 30 & echo $! > ${pidFile}; wait`, {
      cwd: dir,
      env: process.env,
      timeoutMs: 300,
      signal: never,
    });
    expect(result.timedOut).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await isRunning(child)).toBe(false);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await runShellCommand('sleep 30', {
      cwd: dir,
      env: process.env,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    expect(result).toMatchObject({ aborted: true, timedOut: false, returncode: null, signal: 'SIGTERM' });
  });
});

describe('runUploadCommand', () => {
  it('retries a failing command and succeeds once it exits 0', async () => {
    const counter = join(dir, 'count');
    const result = await runUploadCommand({
      command: `echo x >> ${counter}; [ $(wc -l < ${counter}) -ge 2 ]`,
      cwd: dir,
      bundleEnv: {},
      timeoutSeconds: 10,
      retries: 3,
      signal: never,
    });
    expect(result).toMatchObject({ ok: true, attempts: 2 });
  });

  it('gives up after retries + 1 attempts', async () => {
    const result = await runUploadCommand({
      command: 'exit 3',
      cwd: dir,
      bundleEnv: {},
      timeoutSeconds: 10,
      retries: 0,
      signal: never,
    });
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(result.last.returncode).toBe(3);
  });
});
