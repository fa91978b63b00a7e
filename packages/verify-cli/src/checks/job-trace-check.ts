import { escapeUntrusted } from '@obs-automation/core';
import type { TracedEntry } from '../log/run-log-scan.js';
import { verifyArtefact } from '../trace/artefact-verifier.js';
import { DEFAULT_RETENTION_MANIFESTS, loadDeletionRecords } from '../trace/deletion-records.js';
import { isRecord } from '../trace/json-files.js';
import { TraceContext } from '../trace/trace-context.js';
import { CheckBuilder, type CheckOutcome, skippedCheck } from './check-outcome.js';

export const JOB_TRACE_CHECK = 'job_trace';

export interface JobTraceOptions {
  jobId: string;
  requireEntry: boolean;
  /** the entries whose job_id or parent_job_id is the traced id, in file order */
  traced: readonly TracedEntry[];
  root: string;
  /** the log as shown in messages */
  log: string;
  signingSecret: string | undefined;
}

/** A logged error message is shown escaped and cut here: the log is a workspace file like any other. */
const MAX_SHOWN_CHARS = 300;

const ACCEPTED_STATUSES = new Set(['ok', 'warning', 'dry_run']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function errorCodeOf(entry: Record<string, unknown>): string | undefined {
  return isRecord(entry.diagnostics) ? text(entry.diagnostics.error_code) : undefined;
}

/** A job is fine when it ended ok, warning or dry_run, or was skipped because its lock was held. */
function accepted(entry: Record<string, unknown>): boolean {
  if (ACCEPTED_STATUSES.has(String(entry.status))) return true;
  return entry.status === 'skipped' && errorCodeOf(entry) === 'lock_not_acquired';
}

/** Where a traced entry is: `line 12` of the open log, or `<segment>:12`. */
function whereIs(traced: TracedEntry, log?: string): string {
  if (traced.file !== undefined) return `${traced.file}:${traced.line}`;
  return log === undefined ? `line ${traced.line}` : `${log} line ${traced.line}`;
}

function describeEnding(traced: TracedEntry): string {
  const code = errorCodeOf(traced.entry);
  const message = isRecord(traced.entry.diagnostics)
    ? text(traced.entry.diagnostics.error_message)
    : undefined;
  const shown = (value: unknown) => escapeUntrusted(String(value), MAX_SHOWN_CHARS);
  return `ended ${shown(traced.entry.status)}${code ? ` (${shown(code)}${message ? `: ${shown(message)}` : ''})` : ''} (${whereIs(traced)})`;
}

/** The entry that records how a job ended: its last entry that is not a sequence_gap warning. */
function finalEntry(entries: readonly TracedEntry[]): TracedEntry | undefined {
  const runEntries = entries.filter((traced) => errorCodeOf(traced.entry) !== 'sequence_gap');
  return runEntries[runEntries.length - 1] ?? entries[entries.length - 1];
}

function groupByJobId(entries: readonly TracedEntry[]): Map<string, TracedEntry[]> {
  const groups = new Map<string, TracedEntry[]>();
  for (const traced of entries) {
    const jobId = String(traced.entry.job_id);
    groups.set(jobId, [...(groups.get(jobId) ?? []), traced]);
  }
  return groups;
}

/** The children a chain entry says it ran (`summary.jobs`), when its summary survived. */
function expectedChildren(entry: Record<string, unknown> | undefined): { job: string; job_id: string }[] {
  const jobs = entry && isRecord(entry.summary) ? entry.summary.jobs : undefined;
  if (!Array.isArray(jobs)) return [];
  return jobs
    .filter((job): job is Record<string, unknown> => isRecord(job) && typeof job.job_id === 'string')
    .map((job) => ({ job: String(job.job ?? job.job_id), job_id: job.job_id as string }));
}

function artefactsOf(entry: Record<string, unknown>): string[] {
  return Array.isArray(entry.artefacts)
    ? entry.artefacts.filter((item): item is string => typeof item === 'string')
    : [];
}

function summariseEntry(traced: TracedEntry): Record<string, unknown> {
  return {
    line: traced.line,
    ...(traced.file === undefined ? {} : { file: traced.file }),
    job_id: traced.entry.job_id,
    job_name: traced.entry.job_name,
    status: traced.entry.status,
    error_code: errorCodeOf(traced.entry) ?? null,
  };
}

/**
 * job_trace: the one-command trace scheduler → CLI → artefact. The traced job's entry (and, for
 * an obs-daily chain, every child's) ended acceptably; every artefact the entries list exists;
 * every checksum on record for them matches the bytes on disk.
 */
export async function jobTraceCheck(options: JobTraceOptions): Promise<CheckOutcome> {
  const { jobId, log } = options;
  const own = options.traced.filter((traced) => traced.entry.job_id === jobId);
  const children = groupByJobId(options.traced.filter((traced) => traced.entry.job_id !== jobId));
  if (own.length === 0 && children.size === 0 && !options.requireEntry) {
    return skippedCheck(JOB_TRACE_CHECK, `${log} has no entry for ${jobId}`, { job_id: jobId });
  }
  const check = new CheckBuilder(JOB_TRACE_CHECK);
  const reported = new Set<string>();
  const fail = (code: string, message: string) => {
    if (reported.has(`${code}\n${message}`)) return;
    reported.add(`${code}\n${message}`);
    check.fail(code, message);
  };

  const main = finalEntry(own);
  if (!main) fail('job_entry_missing', `${log} has no entry for ${jobId}`);
  else if (!accepted(main.entry)) fail('job_failed', `${jobId} ${describeEnding(main)}`);

  for (const expected of expectedChildren(main?.entry)) {
    if (!children.has(expected.job_id)) {
      fail(
        'child_entry_missing',
        `${log} has no entry for ${expected.job} ${expected.job_id} of chain ${jobId}`,
      );
    }
  }
  const childFinals = [...children.values()].map((entries) => finalEntry(entries) as TracedEntry);
  for (const child of childFinals) {
    if (!accepted(child.entry)) {
      fail(
        'child_failed',
        `${escapeUntrusted(String(child.entry.job_name))} ${escapeUntrusted(String(child.entry.job_id))} ${describeEnding(child)}`,
      );
    }
  }

  // Children first: a chain entry lists the union of its children's artefacts, and each file is
  // checked against the job that wrote it.
  const owners = [...childFinals, ...(main ? [main] : [])];
  const jsonLinesArtefacts = owners.flatMap((traced) =>
    artefactsOf(traced.entry).filter((path) => path.endsWith('.jsonl')),
  );
  const context = new TraceContext(
    options.root,
    fail,
    await loadDeletionRecords(options.root, [...DEFAULT_RETENTION_MANIFESTS, ...jsonLinesArtefacts]),
    options.signingSecret,
  );
  const checked = new Set<string>();
  for (const owner of owners) {
    const listedIn = whereIs(owner, log);
    for (const artefact of artefactsOf(owner.entry)) {
      const path = await context.listed(artefact, {
        what: 'artefact',
        source: listedIn,
        type: 'file_or_folder',
      });
      if (!path || checked.has(path.real)) continue;
      checked.add(path.real);
      await verifyArtefact(context, path, String(owner.entry.job_id), listedIn);
    }
  }
  return check.done({
    job_id: jobId,
    entries: own.map(summariseEntry),
    children: childFinals.map(summariseEntry),
    artefacts_checked: checked.size,
    artefacts: context.notes,
  });
}
