import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGitHead } from './git-head.js';

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const GIT_ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_'))),
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
/** What the job would otherwise ask git: `git rev-parse HEAD` in `dir`. */
const gitAnswer = (dir: string) => git(dir, 'rev-parse', 'HEAD');

describe.skipIf(!hasGit())('readGitHead (needs git to compare with)', () => {
  let base: string;
  let repo: string;

  beforeAll(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'core-git-head-')));
    repo = join(base, 'repo');
    await mkdir(join(repo, 'workspace/ops'), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    await writeFile(join(repo, 'a.txt'), 'a\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'first');
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('reads a loose branch ref from the root and from a folder below it, as git does', async () => {
    expect(await readGitHead(repo, {})).toBe(gitAnswer(repo));
    expect(await readGitHead(join(repo, 'workspace/ops'), {})).toBe(gitAnswer(repo));
  });

  it('reads a packed ref, a detached HEAD and a linked work tree', async () => {
    await writeFile(join(repo, 'b.txt'), 'b\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'second');
    git(repo, 'pack-refs', '--all');
    expect(await readGitHead(repo, {})).toBe(gitAnswer(repo));

    git(repo, 'worktree', 'add', '-q', '-b', 'side', join(base, 'linked'));
    expect(await readGitHead(join(base, 'linked'), {})).toBe(gitAnswer(join(base, 'linked')));

    git(repo, 'checkout', '-q', '--detach', 'HEAD~1');
    expect(await readGitHead(repo, {})).toBe(gitAnswer(repo));
    git(repo, 'checkout', '-q', 'main');
  });

  it('is null outside any work tree and leaves doubtful cases to git', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'core-git-none-'));
    try {
      const inTree = (() => {
        try {
          return gitAnswer(outside);
        } catch {
          return null;
        }
      })();
      // a temporary folder inside someone's work tree is not "outside"
      if (inTree === null) expect(await readGitHead(outside, {})).toBeNull();
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
    expect(await readGitHead(repo, { GIT_DIR: join(repo, '.git') })).toBeUndefined();
    expect(await readGitHead(repo, { GIT_CONFIG_COUNT: '1' })).toBeUndefined();
    // variables of transport and identity cannot move HEAD: the files still answer
    expect(
      await readGitHead(repo, {
        GIT_SSL_CAINFO: '/etc/ssl/certs/ca.crt',
        GIT_AUTHOR_NAME: 'x',
        GIT_TRACE: '1',
      }),
    ).toBe(gitAnswer(repo));

    const unborn = join(base, 'unborn');
    await mkdir(unborn);
    git(unborn, 'init', '-q', '-b', 'main');
    expect(await readGitHead(unborn, {})).toBeUndefined();

    // a crafted .git whose HEAD is a FIFO must not hang the run: git (with its timeout) is asked
    const fifo = join(base, 'fifo');
    await mkdir(join(fifo, '.git'), { recursive: true });
    execFileSync('mkfifo', [join(fifo, '.git/HEAD')]);
    expect(await readGitHead(fifo, {})).toBeUndefined();

    const damaged = join(base, 'damaged');
    await mkdir(damaged);
    await writeFile(join(damaged, '.git'), 'not a pointer\n');
    expect(await readGitHead(damaged, {})).toBeUndefined();
  });
});
