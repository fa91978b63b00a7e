import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, REPO_ROOT } from './cli-process.js';

/** util-linux `script` runs a command on a pseudo-terminal; tests that need one skip without it. */
export const HAS_SCRIPT = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

export interface TerminalResult {
  exitCode: number | null;
  /** what the terminal showed of stdout, with `\r\n` as `\n` */
  screen: string;
  /** stderr, collected apart through a file */
  stderr: string;
}

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export interface TerminalOptions {
  env?: NodeJS.ProcessEnv;
  /** the terminal's width (stty cols) */
  columns?: number;
  cwd?: string;
  /** a command wrapped around node, e.g. `timeout -s INT 3` */
  prefix?: string;
}

/**
 * Runs a built binary with stdout on a pseudo-terminal (`script -qec`), as an operator types it;
 * stderr goes to a file so the two can be told apart.
 */
export async function runInTerminal(
  binary: string,
  args: readonly string[],
  options: TerminalOptions = {},
): Promise<TerminalResult> {
  const dir = await mkdtemp(join(tmpdir(), 'obs-pty-'));
  const stderrFile = join(dir, 'stderr');
  const command = [
    `stty cols ${options.columns ?? 100} rows 60;`,
    options.prefix ?? 'exec',
    shellQuote(process.execPath),
    shellQuote(binary),
    ...args.map(shellQuote),
    `2>${shellQuote(stderrFile)}`,
  ].join(' ');
  try {
    return await new Promise<TerminalResult>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: options.cwd ?? REPO_ROOT,
        env: options.env ?? cleanEnv(),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let screen = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        screen += chunk;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', async (exitCode) => {
        clearTimeout(timer);
        resolve({
          exitCode,
          screen: screen.replaceAll('\r\n', '\n'),
          stderr: await readFile(stderrFile, 'utf8').catch(() => ''),
        });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what is looked for
export const ANSI_COLOUR = /\u001b\[3[1-6]m/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what is removed
const ANSI_SEQUENCE = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The screen as plain text: colour codes removed. */
export function plainText(screen: string): string {
  return screen.replace(ANSI_SEQUENCE, '');
}

/** The widest line of a screen, in columns. */
export function widestLine(screen: string): number {
  return Math.max(
    ...plainText(screen)
      .split('\n')
      .map((line) => Array.from(line).length),
  );
}
