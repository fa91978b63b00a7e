import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RunLogContext } from './run-log-entry.js';

const execFileAsync = promisify(execFile);

export type Scheduler = 'cron' | 'github-actions' | 'manual' | 'unknown';

export async function detectCommitSha(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  for (const name of ['OBS_COMMIT_SHA', 'GITHUB_SHA', 'CI_COMMIT_SHA']) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: root, timeout: 2000 });
    return stdout.trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * `OBS_SCHEDULER` names the scheduler explicitly (the shipped crontab and systemd examples set
 * it to `cron`); otherwise GitHub Actions is recognised by its variable and a terminal on stdin
 * means a person ran the command.
 */
export function detectScheduler(
  env: NodeJS.ProcessEnv = process.env,
  stdinIsTty = Boolean(process.stdin.isTTY),
): Scheduler {
  const named = env.OBS_SCHEDULER?.trim();
  if (named === 'cron' || named === 'github-actions' || named === 'manual' || named === 'unknown')
    return named;
  if (env.GITHUB_ACTIONS === 'true') return 'github-actions';
  if (stdinIsTty) return 'manual';
  return 'unknown';
}

export function detectEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  return env.OBS_ENV?.trim() || 'production';
}

const SECRET_FLAG = /(secret|token|password|key)/i;

/** The command line as a string, with the values of secret-looking flags masked. */
export function describeCommand(argv: readonly string[]): string {
  const parts: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    const [flag, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const isSecretFlag =
      arg.startsWith('--') && SECRET_FLAG.test(flag as string) && !/-env$/.test(flag as string);
    if (isSecretFlag && inline !== undefined) parts.push(`${flag}=***`);
    else if (isSecretFlag && argv[index + 1] !== undefined && !(argv[index + 1] as string).startsWith('--')) {
      parts.push(arg, '***');
      index += 1;
    } else parts.push(/^https?:\/\//.test(arg) ? arg.replace(/^(https?:\/\/[^/?#]+).*$/s, '$1/…') : arg);
  }
  return parts.join(' ');
}

export function logContextOf(context: {
  commitSha: string;
  environment: string;
  scheduler: Scheduler;
}): RunLogContext {
  return { commit_sha: context.commitSha, environment: context.environment, scheduler: context.scheduler };
}
