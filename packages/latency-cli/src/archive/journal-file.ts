import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  JobError,
  type PathRule,
  parseJsonBounded,
  quoteUntrusted,
  readBoundedText,
  resolveContainedPath,
} from '@obs-automation/core';
import type * as z from 'zod';

/** An archive as obs-latency names it, relative to the archive folder (per-run or day archive). */
export const ARCHIVE_IN_FOLDER = /^\d{4}\/\d{2}\/[^/]+\.csv\.gz$/;

/** Refuses the journal, naming it and what is wrong; nothing it names has been touched. */
export function journalRefused(journal: string, problem: string): JobError {
  return new JobError(
    'archive_failed',
    `journal ${journal} ${problem}; nothing it names was changed: inspect it and the files it names before deleting it`,
    { file: journal, problem },
  );
}

/**
 * A path the journal names, accepted only inside `folder` and matching `rule` there, and never a
 * symbolic link (the run writes every one of these files itself): a journal can name the run's
 * own archives and temporary files, nothing else.
 */
export async function journaledPath(
  journal: string,
  candidate: string,
  folder: string,
  what: string,
  rule: PathRule,
): Promise<string> {
  let path: string;
  try {
    path = (
      await resolveContainedPath(folder, candidate, {
        code: 'archive_failed',
        what,
        source: journal,
        base: '.',
        allowed: rule,
        mayBeMissing: true,
      })
    ).absolute;
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    throw journalRefused(
      journal,
      `names ${what} ${String(error.details.path)}, which ${error.details.problem}`,
    );
  }
  const link = await lstat(resolve(folder, candidate)).then(
    (info) => info.isSymbolicLink(),
    () => false,
  );
  if (link)
    throw journalRefused(journal, `names ${what} ${quoteUntrusted(candidate)}, which is a symbolic link`);
  return path;
}

/**
 * Reads a journal a killed run left (bounded, nesting capped) and checks its shape; null when
 * there is none. One that cannot be read or has another shape is refused (`archive_failed`) and
 * left in place.
 */
export async function readJournalFile<T>(
  path: string,
  shown: string,
  shape: z.ZodType<T>,
): Promise<T | null> {
  let value: unknown;
  try {
    const text = await readBoundedText(path, { kind: 'rotation_journal', shown, code: 'archive_failed' });
    if (text === null) return null;
    value = parseJsonBounded(text, { what: 'journal', file: shown, code: 'archive_failed' });
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    throw journalRefused(shown, String(error.details.problem ?? error.message));
  }
  const parsed = shape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') || '(top level)';
    throw journalRefused(
      shown,
      `is not a journal of this kind: ${quoteUntrusted(key)} ${issue?.message ?? ''}`.trim(),
    );
  }
  return parsed.data;
}
