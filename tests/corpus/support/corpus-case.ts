import type { ExpectStatic } from 'vitest';
import type { CliResult } from '../../support/cli-process.js';
import type { MessageExpectation } from './message-expectation.js';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON of a known shape
export type JsonDocument = Record<string, any>;

export type RunStatus = 'ok' | 'warning' | 'error' | 'skipped' | 'dry_run';

/**
 * What a case does to one file of the base workspace: new content, null to delete it, or a
 * function of its current text (e.g. the same file with a BOM or CRLF line ends).
 */
export type FileEdit = string | Buffer | null | ((current: string) => string | Buffer);

/** A case as it ended, for a case's own further assertions. */
export interface FinishedCase {
  root: string;
  result: CliResult;
  summary: JsonDocument;
  expect: ExpectStatic;
}

/** One bad (or awkward but valid) input and what the CLI must make of it. */
export interface CorpusCase {
  name: string;
  /** edits of the base workspace, by root-relative path */
  files?: Record<string, FileEdit>;
  /** the subcommand and its arguments before --root, replacing the table's */
  command?: readonly string[];
  /** arguments after the table's */
  args?: readonly string[];
  /** run with the case's arguments only, without the table's (e.g. obs-daily without --observability) */
  ownArgsOnly?: boolean;
  /** replaces the table's --now */
  now?: string;
  exit: 0 | 1 | 2;
  status: RunStatus;
  /** the summary's `diagnostics.error_code`; null when the run reports none */
  errorCode: string | null;
  /** what `diagnostics.error_message` must name; required whenever errorCode is set */
  message?: MessageExpectation;
  /** further fields the summary must match (toMatchObject) */
  summary?: JsonDocument;
  /** further assertions on the finished workspace */
  check?: (finished: FinishedCase) => Promise<void> | void;
}

/** A file that a run may rewrite in place, provided none of the rows it held is lost. */
export interface RowStore {
  /** root-relative path */
  file: string;
  /** the rows of `before` (the file's bytes before the run) found nowhere after the run */
  lostRows(root: string, before: Buffer): Promise<string[]>;
}

/** One job's corpus: how to run it, the workspace every case starts from, and the cases. */
export interface CorpusTable {
  title: string;
  binary: string;
  now: string;
  /** arguments every case gets after --root and --now */
  args: readonly string[];
  /** writes the valid workspace the cases start from */
  base(root: string): Promise<void>;
  /** files the job writes that may already exist in a case (its heartbeat, the run log, …) */
  outputs?: (path: string) => boolean;
  rowStores?: readonly RowStore[];
  cases: readonly CorpusCase[];
}
