import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readGitHead } from './git-head.js';
import type { RunLogContext } from './run-log-entry.js';
import { maskCommand } from './secret-masking.js';

const execFileAsync = promisify(execFile);

export type Scheduler = 'cron' | 'github-actions' | 'manual' | 'unknown';

export async function detectCommitSha(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  for (const name of ['OBS_COMMIT_SHA', 'GITHUB_SHA', 'CI_COMMIT_SHA']) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  const head = await readGitHead(root, env);
  if (head !== undefined) return head ?? 'unknown';
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

const SECRET_FLAG = /(secret|token|password|passwd|credential|key)/i;

/** Shell-quotes an argument when it would otherwise read as several. */
function quoted(arg: string): string {
  return arg === '' || /[\s'"\\$`]/.test(arg) ? `'${arg.replaceAll("'", "'\\''")}'` : arg;
}

function isSecretFlag(flag: string): boolean {
  // `--webhook-secret-env NAME` names a variable; the name is not the secret.
  return flag.startsWith('--') && SECRET_FLAG.test(flag) && !flag.endsWith('-env');
}

/**
 * The command line as a string: the values of secret-looking flags masked, and every argument
 * masked with maskCommand (an `--upload-command "curl -u user:pass …"` keeps no credential),
 * including the `secretValues` of the environment wherever they appear.
 */
export function describeCommand(
  argv: readonly string[],
  options: { secretValues?: readonly string[] } = {},
): string {
  const parts: string[] = [];
  const mask = (text: string) => maskCommand(text, options);
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    const separator = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = separator > 0 ? arg.slice(0, separator) : arg;
    const next = argv[index + 1];
    if (isSecretFlag(flag) && separator > 0) parts.push(`${flag}=***`);
    else if (isSecretFlag(flag) && next !== undefined && !next.startsWith('--')) {
      parts.push(flag, '***');
      index += 1;
    } else parts.push(quoted(mask(arg)));
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
