// Runs the real binaries as processes and records how each ended, for the process invariant:
// exit 0/1/2 with exactly one JSON document on stdout and no stack trace on stderr, unless the
// soak itself killed it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const PROCESS_TIMEOUT_MS = 180_000;

export function binaryPath(repoRoot, name) {
  return join(repoRoot, 'bin', `obs-${name}`);
}

/**
 * Starts `obs-<name> args`; `kill` ({signal, afterMs}) sends a signal after a delay. Resolves
 * with the exit record (also kept in `exits`) once the process closed.
 */
export function runBinary(context, name, args, { env = {}, input, kill, label = name } = {}) {
  const startedMs = Date.now();
  const child = spawn(process.execPath, [binaryPath(context.repoRoot, name), ...args], {
    env: { ...context.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.on('error', () => {});
  child.stdin.end(input ?? '');
  let sent = null;
  const killTimer = kill
    ? setTimeout(() => {
        sent = kill.signal;
        child.kill(kill.signal);
      }, kill.afterMs)
    : null;
  const hangTimer = setTimeout(() => {
    sent = 'timeout';
    child.kill('SIGKILL');
  }, PROCESS_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      clearTimeout(hangTimer);
      const record = {
        label,
        args,
        step: context.step,
        code,
        signal,
        sent,
        faultPoint: env.OBS_FAULT_POINT ?? null,
        wallMs: Date.now() - startedMs,
        stdout,
        stderr,
        summary: parseSummary(stdout),
      };
      context.exits.push(record);
      resolve(record);
    });
  });
}

function parseSummary(stdout) {
  try {
    const value = JSON.parse(stdout);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** Why an exit breaks the process invariant, or null when it keeps it. */
export function exitViolation(record) {
  const killedByUs = record.sent !== null && record.sent !== 'timeout';
  if (record.sent === 'timeout') return 'did not end within 180 s';
  if (STACK_LINE.test(record.stderr)) return `stack trace on stderr: ${firstLines(record.stderr)}`;
  if (record.signal !== null) {
    const expected =
      (record.signal === 'SIGKILL' && (record.faultPoint !== null || record.sent === 'SIGKILL')) ||
      (record.signal === 'SIGTERM' && record.sent === 'SIGTERM' && record.stdout === '');
    return expected ? null : `ended by ${record.signal}`;
  }
  if (![0, 1, 2].includes(record.code)) return `exit ${record.code}`;
  if (record.summary === null) {
    // a process killed while printing may leave part of its document; otherwise one is due
    if (killedByUs && record.stdout === '') return null;
    return `stdout is not one JSON document: ${JSON.stringify(record.stdout.slice(0, 200))}`;
  }
  return null;
}

function firstLines(text) {
  return JSON.stringify(text.split('\n').slice(0, 4).join('\n'));
}
