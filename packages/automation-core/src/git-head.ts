import { lstat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readBoundedText } from './bounded-file-read.js';

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/**
 * git variables that cannot change which commit HEAD names: identities, transport, prompts and
 * tracing (GIT_SSL_CAINFO is set on many machines for a company's certificates). Any other
 * `GIT_*` variable (GIT_DIR, GIT_WORK_TREE, GIT_CONFIG_*, GIT_NAMESPACE, …) leaves the answer to git.
 */
const HEAD_NEUTRAL_GIT_VARIABLE =
  /^GIT_(?:SSL_|SSH|HTTP_|CURL_|TRACE|AUTHOR_|COMMITTER_|PROXY_|ASKPASS$|TERMINAL_PROMPT$|EDITOR$|SEQUENCE_EDITOR$|PAGER$|FLUSH$|OPTIONAL_LOCKS$)/;
/** How far up from the root a `.git` is looked for: deeper trees are left to git itself. */
const MAX_LEVELS = 64;

/**
 * A file of git's, read only when it is a regular file within the size cap (a FIFO or a huge
 * file put there throws, and the caller asks git, which has a timeout); null when missing.
 */
const readGitFile = (path: string) => readBoundedText(path, { kind: 'git_metadata' });

/**
 * The commit checked out in the git work tree holding `root`, read from git's own files so that
 * a job run does not start a `git` process for it: `null` when no folder from `root` up holds a
 * `.git` (not a work tree), `undefined` whenever the answer is not plain from the files — a
 * git variable in the environment that could change it, a ref stored otherwise than as a loose or packed ref, an
 * unborn branch, anything unexpected — and the caller asks `git rev-parse HEAD`.
 */
export async function readGitHead(root: string, env: NodeJS.ProcessEnv): Promise<string | null | undefined> {
  if (Object.keys(env).some((name) => name.startsWith('GIT_') && !HEAD_NEUTRAL_GIT_VARIABLE.test(name)))
    return undefined;
  try {
    const gitDir = await findGitDir(resolve(root));
    if (gitDir === null) return null;
    if (gitDir === undefined) return undefined;
    const head = (await readGitFile(join(gitDir, 'HEAD')))?.trim();
    if (head === undefined) return undefined;
    if (OBJECT_ID.test(head)) return head;
    const ref = /^ref: (refs\/heads\/[^\s]+)$/.exec(head)?.[1];
    if (ref === undefined || ref.split('/').includes('..')) return undefined;
    return await resolveRef(gitDir, ref);
  } catch {
    return undefined;
  }
}

/** The git folder of the work tree holding `start`: a `.git` folder, or where a `.git` file points. */
async function findGitDir(start: string): Promise<string | null | undefined> {
  let dir = start;
  for (let level = 0; level < MAX_LEVELS; level += 1) {
    const dotGit = join(dir, '.git');
    const stats = await lstat(dotGit).catch(() => null);
    if (stats?.isDirectory()) return dotGit;
    if (stats?.isFile()) {
      const pointer = /^gitdir: (.+)$/.exec((await readGitFile(dotGit))?.trim() ?? '')?.[1];
      return pointer === undefined ? undefined : resolve(dir, pointer);
    }
    if (stats) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  return undefined;
}

/** A branch's commit: its loose ref, else its line in packed-refs (in the common folder of a linked work tree). */
async function resolveRef(gitDir: string, ref: string): Promise<string | undefined> {
  const commonDir = await readGitFile(join(gitDir, 'commondir'));
  const common = commonDir === null ? gitDir : resolve(gitDir, commonDir.trim());
  for (const dir of new Set([gitDir, common])) {
    const loose = await readGitFile(join(dir, ref));
    if (loose !== null) {
      const id = loose.trim();
      return OBJECT_ID.test(id) ? id : undefined;
    }
  }
  const packed = (await readGitFile(join(common, 'packed-refs'))) ?? '';
  for (const line of packed.split('\n')) {
    const [id, name] = line.trim().split(' ');
    if (name === ref && id !== undefined && OBJECT_ID.test(id)) return id;
  }
  return undefined;
}
