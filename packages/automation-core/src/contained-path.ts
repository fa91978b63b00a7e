import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeFileType, readBoundedFile } from './bounded-file-read.js';
import { DATA_ROOTS_ENV, operatorDataRoots } from './data-roots.js';
import type { FileKind } from './file-read-rules.js';
import { statsOrNull } from './file-stats.js';
import { JobError } from './job-error.js';
import { quoteUntrusted } from './message-text.js';

/**
 * What a file may name: a RegExp tested against the path relative to the containing folder
 * (with `/` separators), a string ending in `/` for everything below that folder, or any
 * other string for exactly that path.
 */
export type PathRule = RegExp | string;

export interface ContainedPathOptions {
  /** the error code of a refused path: the caller's (`invalid_input`, `heartbeat_corrupt`, …) */
  code: string;
  /** what the path is, for messages, e.g. `dataset path` */
  what: string;
  /** the file the path was read from, as messages name it (root-relative), e.g. `out/dashboard/manifest.json` */
  source?: string;
  /** a folder inside the root that must contain the path and that relative paths start from (default: the root) */
  base?: string;
  /** the paths the source may name, relative to `base` (default: any path inside it) */
  allowed?: PathRule | readonly PathRule[];
  /** a path that does not exist is returned with `exists: false` instead of being refused */
  mayBeMissing?: boolean;
  /** what the path must name when it exists (default `file`, a regular file) */
  type?: 'file' | 'folder' | 'file_or_folder';
}

export interface ContainedPath {
  /** absolute, every symbolic link resolved: the path to open */
  absolute: string;
  /** relative to the root with `/` separators, as the source names it: the path to show */
  relative: string;
  exists: boolean;
}

/** Longer paths are refused before they reach the file system. */
const MAX_PATH_CHARS = 4096;

type RefusalReason = 'invalid' | 'outside_root' | 'not_allowed' | 'missing' | 'not_regular' | 'unreadable';

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function isInside(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside === '' || (!inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside));
}

function matchesRule(path: string, rule: PathRule): boolean {
  if (typeof rule !== 'string') {
    // a global or sticky pattern carries state between tests: test a copy without those flags
    const pattern =
      rule.global || rule.sticky ? new RegExp(rule.source, rule.flags.replace(/[gy]/g, '')) : rule;
    return pattern.test(path);
  }
  return rule.endsWith('/') ? path.startsWith(rule) : path === rule;
}

/**
 * The real path of `path` when it exists; otherwise the real path of its deepest existing folder
 * joined with the rest, so a link anywhere above a file that is still to be written is resolved
 * too. `exists` says which case it was; a link whose target is missing counts as existing (it is
 * refused later as a link that leads nowhere).
 */
function resolveReal(path: string): { real: string; exists: boolean } {
  try {
    return { real: realpathSync.native(path), exists: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
  }
  if (statsOrNull(path, false)?.isSymbolicLink()) return { real: path, exists: true };
  const parent = dirname(path);
  if (parent === path) return { real: path, exists: false };
  const above = resolveReal(parent);
  return { real: join(above.real, basename(path)), exists: false };
}

/**
 * Resolves a path read from a workspace file (a journal, a manifest, a history record) and
 * refuses it unless — after following every symbolic link, also above a file not yet written —
 * it lies inside the root (or `base`), names a regular file (or may be missing, or is a folder
 * when `type` says so) and is one of the paths `allowed` lets the source name. A refusal is a
 * JobError with the caller's code, the path shown relative to the root and quoted (escaped,
 * capped), and `details.reason`: `invalid`, `outside_root`, `not_allowed`, `missing`,
 * `not_regular` or `unreadable`. Nothing outside the root is opened: a path that escapes
 * lexically is refused before the file system is asked.
 */
export async function resolveContainedPath(
  root: string,
  candidate: unknown,
  options: ContainedPathOptions,
): Promise<ContainedPath> {
  const rootPath = resolve(root);
  const basePath = resolve(rootPath, options.base ?? '.');
  const shownOf = (absolute: string) => toPosix(relative(rootPath, absolute)) || '.';
  const refuse = (reason: RefusalReason, shown: string, problem: string): never => {
    const quoted = quoteUntrusted(shown);
    const from = options.source ? ` named in ${quoteUntrusted(options.source)}` : '';
    throw new JobError(options.code, `${options.what} ${quoted}${from} ${problem}`, {
      ...(options.source ? { file: options.source } : {}),
      path: quoted,
      reason,
      problem,
    });
  };
  if (typeof candidate !== 'string' || candidate === '') {
    return refuse('invalid', String(candidate), 'is not a path');
  }
  if (candidate.length > MAX_PATH_CHARS || candidate.includes('\0')) {
    return refuse('invalid', candidate, 'is not a usable path');
  }
  const lexical = resolve(basePath, candidate);
  const shown = shownOf(lexical);
  if (!isInside(rootPath, basePath) || !isInside(basePath, lexical)) {
    return refuse('outside_root', shown, `is outside ${options.base ? 'its folder' : 'the workspace root'}`);
  }
  const rules = options.allowed === undefined ? [] : ([] as PathRule[]).concat(options.allowed as PathRule[]);
  const named = toPosix(relative(basePath, lexical));
  if (rules.length > 0 && !rules.some((rule) => matchesRule(named, rule))) {
    return refuse('not_allowed', shown, `is not a path ${options.source ? 'that file' : 'it'} may name`);
  }
  let real: { real: string; exists: boolean };
  let realBase: string;
  let realRoot: string;
  let dataRoots: string[];
  try {
    // Metadata calls, made synchronously: through the thread pool each was a round trip, and a
    // compaction resolves hundreds of archive paths.
    real = resolveReal(lexical);
    realBase = realpathSync.native(basePath);
    realRoot = realpathSync.native(rootPath);
    dataRoots = await operatorDataRoots();
  } catch (error) {
    if (error instanceof JobError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return refuse('unreadable', shown, `cannot be resolved (${code})`);
  }
  // The workspace, and the folders its links may lead into by the operator's leave.
  const workspace = [realRoot, ...dataRoots];
  const inWorkspace = (path: string) => workspace.some((folder) => isInside(folder, path));
  if (!options.base && !inWorkspace(real.real)) {
    return refuse(
      'outside_root',
      shown,
      `leads outside the workspace root through a symbolic link (a folder the operator links in is named in ${DATA_ROOTS_ENV})`,
    );
  }
  if (options.base && (!inWorkspace(realBase) || !isInside(realBase, real.real))) {
    return refuse('outside_root', shown, 'leads outside its folder through a symbolic link');
  }
  if (!real.exists) {
    if (options.mayBeMissing) return { absolute: real.real, relative: shown, exists: false };
    return refuse('missing', shown, 'does not exist');
  }
  const stats = statsOrNull(real.real, true);
  if (!stats) return refuse('not_regular', shown, 'is a symbolic link that leads nowhere');
  const wanted = options.type ?? 'file';
  const fits = (wanted !== 'folder' && stats.isFile()) || (wanted !== 'file' && stats.isDirectory());
  if (!fits) {
    const expected = {
      file: 'a regular file',
      folder: 'a folder',
      file_or_folder: 'a regular file or a folder',
    }[wanted];
    return refuse('not_regular', shown, `is a ${describeFileType(stats)}, not ${expected}`);
  }
  return { absolute: real.real, relative: shown, exists: true };
}

/**
 * resolveContainedPath, then readBoundedFile of the resolved path under the kind's cap, never
 * through a link (a link swapped in after the check is refused). `bytes` is null when the file
 * does not exist and `mayBeMissing` allows that.
 */
export async function readContainedFile(
  root: string,
  candidate: unknown,
  options: ContainedPathOptions & { kind: FileKind; maxBytes?: number },
): Promise<{ path: ContainedPath; bytes: Buffer | null }> {
  const path = await resolveContainedPath(root, candidate, options);
  if (!path.exists) return { path, bytes: null };
  const bytes = await readBoundedFile(path.absolute, {
    kind: options.kind,
    shown: path.relative,
    what: options.what,
    code: options.code,
    followSymlinks: false,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
  if (bytes === null && !options.mayBeMissing) {
    throw new JobError(options.code, `${options.what} ${quoteUntrusted(path.relative)} does not exist`, {
      path: quoteUntrusted(path.relative),
      reason: 'missing',
      problem: 'does not exist',
    });
  }
  return { path, bytes };
}
