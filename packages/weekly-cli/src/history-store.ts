import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  appendLines,
  type FileKind,
  faultPoint,
  forEachJsonLine,
  isMissingFile,
  JobError,
  MS_PER_DAY,
  parseJsonBounded,
  readBoundedFile,
  sha256File,
  sha256Hex,
  unreadableInput,
  writeFileAtomic,
} from '@obs-automation/core';

/**
 * `ops/weekly_report_history/`: for each delivery, the exact body delivered and how it was
 * signed — `<week_start>.json` / `.sig` for a week's first delivery (revision 1),
 * `<week_start>.r<n>.json` / `.sig` for a corrected re-send (revision n) — and
 * `manifest.jsonl`, one line per delivery and per deletion.
 */
export interface HistoryLocation {
  /** absolute folder */
  dir: string;
  /** root-relative path for manifests and artefact lists */
  relative(path: string): string;
}

/** What a `.sig` holds: the X-OBS-Signature as sent and the Standard Webhooks inputs. */
export interface SignatureRecord {
  algorithm: string;
  signature: string;
  webhook_id: string;
  timestamp: number;
  payload_checksum_sha256: string;
  /** the run that delivered (records written before revisions existed lack it) */
  job_id?: string;
  revision?: number;
}

export interface DeliveredReport {
  weekStart: string;
  revision: number;
  jobId: string;
  /** the canonical JSON bytes that were sent */
  body: Buffer;
  signature: SignatureRecord;
  deliveredAt: string;
  webhookStatusCode: number | null;
  attempts: number | null;
  /** set when a later run records a delivery its own run could not */
  recoveredBy?: string;
}

/** A line of `manifest.jsonl` recording a delivery; `checksum_sha256` is over the file's bytes. */
export interface DeliveryManifestLine {
  event: 'delivered';
  week_start: string;
  job_id: string;
  path: string;
  checksum_sha256: string;
  delivered_at: string;
  /** null on a line recovered after a crash, when the response is no longer known */
  webhook_status_code: number | null;
  attempts: number | null;
  /** 1 for a week's first delivery, n + 1 for a corrected re-send of revision n (absent before revisions: 1) */
  revision?: number;
  webhook_id?: string;
  /** the payload file of the revision this one replaces at the receiver; null for revision 1 */
  supersedes?: string | null;
  /** the run that wrote the line for a delivery its own run could not record */
  recovered_by?: string;
}

/** A line of `manifest.jsonl` recording a file removed by retention, written before the removal. */
export interface DeletionManifestLine {
  event: 'deleted';
  week_start: string;
  job_id: string;
  path: string;
  /** null when the file could not be read any more */
  checksum_sha256: string | null;
  deleted_at: string;
  reason: 'retention';
}

/** The newest delivered revision of a week (0: not delivered), and why a newer record did not count. */
export interface HistoryState {
  revision: number;
  problem?: string;
}

/** The revisions the history holds a signature for, by week, newest first. */
export type HistoryListing = ReadonlyMap<string, readonly number[]>;

const HISTORY_FILE = /^(\d{4}-\d{2}-\d{2})(?:\.r([1-9]\d{0,5}))?\.(json|sig)$/;
/** The earlier tooling wrote the bare hex HMAC (optionally prefixed) instead of a JSON record. */
const LEGACY_SIGNATURE = /^(sha256=)?[0-9a-fA-F]{64}$/;

export function manifestPath(history: HistoryLocation): string {
  return join(history.dir, 'manifest.jsonl');
}

/** `<week>.json` for revision 1, `<week>.r<n>.json` after; `.sig` beside it. */
export function historyFiles(
  history: HistoryLocation,
  weekStart: string,
  revision: number,
): { payload: string; signature: string } {
  const stem = join(history.dir, revision === 1 ? weekStart : `${weekStart}.r${revision}`);
  return { payload: `${stem}.json`, signature: `${stem}.sig` };
}

/** One listing of the folder per run; a folder that does not exist yet holds nothing. */
export async function listHistory(history: HistoryLocation): Promise<HistoryListing> {
  const listing = new Map<string, number[]>();
  for (const name of await historyNames(history)) {
    const match = HISTORY_FILE.exec(name);
    if (match?.[3] !== 'sig') continue;
    const week = match[1] as string;
    listing.set(
      week,
      [...(listing.get(week) ?? []), Number(match[2] ?? 1)].sort((a, b) => b - a),
    );
  }
  return listing;
}

/**
 * The newest revision of a week the history records as delivered: its payload parses and its
 * `.sig` — written only after the receiver accepted the report — is a signature record (or the
 * earlier tooling's bare hex). A newer revision whose files do not qualify is passed over, with
 * the problem named.
 */
export async function historyState(
  history: HistoryLocation,
  listing: HistoryListing,
  weekStart: string,
): Promise<HistoryState> {
  let problem: string | undefined;
  for (const revision of listing.get(weekStart) ?? []) {
    const files = historyFiles(history, weekStart, revision);
    const payloadText = await readIfPresent(history, files.payload, 'history_record');
    const signatureText = await readIfPresent(history, files.signature, 'signature');
    const name = history.relative(files.payload);
    if (payloadText === null || signatureText === null) continue;
    if (!isJsonObject(payloadText))
      problem ??= `${name} is not a JSON object; it does not count as delivered`;
    else if (!isSignature(signatureText.trim()))
      problem ??= `${history.relative(files.signature)} is not a signature record; it does not count as delivered`;
    else return { revision, ...(problem && { problem }) };
  }
  return { revision: 0, ...(problem && { problem }) };
}

/**
 * Records a delivery: payload, then signature (the commit point historyState looks for), then
 * the manifest line unless the manifest already has it (a recovery after a partial record).
 * Returns the files written, root-relative.
 */
export async function recordDelivery(history: HistoryLocation, report: DeliveredReport): Promise<string[]> {
  const files = historyFiles(history, report.weekStart, report.revision);
  await writeFileAtomic(files.payload, report.body);
  faultPoint('weekly:after-history-payload');
  await writeFileAtomic(files.signature, `${JSON.stringify(report.signature, null, 2)}\n`);
  faultPoint('weekly:after-history-signature');
  const line: DeliveryManifestLine = {
    event: 'delivered',
    week_start: report.weekStart,
    job_id: report.jobId,
    path: history.relative(files.payload),
    checksum_sha256: sha256Hex(report.body),
    delivered_at: report.deliveredAt,
    webhook_status_code: report.webhookStatusCode,
    attempts: report.attempts,
    revision: report.revision,
    webhook_id: report.signature.webhook_id,
    supersedes:
      report.revision === 1
        ? null
        : history.relative(historyFiles(history, report.weekStart, report.revision - 1).payload),
    ...(report.recoveredBy && { recovered_by: report.recoveredBy }),
  };
  if (!(await manifestRecords(history, report.weekStart, report.revision)))
    await appendLines(manifestPath(history), [JSON.stringify(line)]);
  return [files.payload, files.signature, manifestPath(history)].map((path) => history.relative(path));
}

/**
 * Completes the record of a delivery whose run was killed after writing the signature (the
 * commit point) but before its manifest line: the line is written from the payload and the
 * signature record, marked `recovered_by`. Nothing is written when the manifest already records
 * the revision, or when the signature is the earlier tooling's (which kept no manifest). Returns
 * the manifest, root-relative, when a line was written.
 */
export async function recordMissedDelivery(
  history: HistoryLocation,
  weekStart: string,
  revision: number,
  recoveredBy: string,
): Promise<string[]> {
  if (await manifestRecords(history, weekStart, revision)) return [];
  const files = historyFiles(history, weekStart, revision);
  const record = signatureRecord(await readIfPresent(history, files.signature, 'signature'));
  const payload = await readBoundedFile(files.payload, {
    kind: 'history_record',
    shown: history.relative(files.payload),
  }).catch(() => null);
  const jobId = record && deliveringJob(record, weekStart);
  if (!record || !payload || !jobId) return [];
  const line: DeliveryManifestLine = {
    event: 'delivered',
    week_start: weekStart,
    job_id: jobId,
    path: history.relative(files.payload),
    checksum_sha256: sha256Hex(payload),
    delivered_at: new Date(record.timestamp * 1000).toISOString(),
    webhook_status_code: null,
    attempts: null,
    revision,
    webhook_id: record.webhook_id,
    supersedes:
      revision === 1 ? null : history.relative(historyFiles(history, weekStart, revision - 1).payload),
    recovered_by: recoveredBy,
  };
  await appendLines(manifestPath(history), [JSON.stringify(line)]);
  return [history.relative(manifestPath(history))];
}

/**
 * Deletes the history of weeks that started more than `retentionDays` before `now` (never the
 * weeks in `keep`). Each deletion is recorded in the manifest before any file is removed; a
 * deletion a killed run recorded but did not carry out is carried out without a second line.
 * Returns the deleted files, root-relative.
 */
export async function pruneHistory(
  history: HistoryLocation,
  options: { now: Date; retentionDays: number; keep: readonly string[]; jobId: string },
): Promise<string[]> {
  const cutoff = options.now.getTime() - options.retentionDays * MS_PER_DAY;
  const expired = (await historyNames(history))
    .map((name) => ({ week: HISTORY_FILE.exec(name)?.[1], file: join(history.dir, name) }))
    .filter(
      (entry): entry is { week: string; file: string } =>
        entry.week !== undefined &&
        !options.keep.includes(entry.week) &&
        Date.parse(`${entry.week}T00:00:00Z`) < cutoff,
    )
    .sort((a, b) => (a.file < b.file ? -1 : 1));
  if (expired.length === 0) return [];
  const alreadyRecorded = new Set(
    (await readManifestLines(history))
      .filter((line) => line.event === 'deleted')
      .map((line) => `${line.path}\u0000${line.checksum_sha256}`),
  );
  const lines: string[] = [];
  for (const { week, file } of expired) {
    const line: DeletionManifestLine = {
      event: 'deleted',
      week_start: week,
      job_id: options.jobId,
      path: history.relative(file),
      checksum_sha256: await sha256File(file).catch(() => null),
      deleted_at: options.now.toISOString(),
      reason: 'retention',
    };
    if (!alreadyRecorded.has(`${line.path}\u0000${line.checksum_sha256}`)) lines.push(JSON.stringify(line));
  }
  await appendLines(manifestPath(history), lines);
  faultPoint('weekly:after-retention-record');
  for (const { file } of expired) await rm(file, { force: true });
  return expired.map(({ file }) => history.relative(file));
}

async function historyNames(history: HistoryLocation): Promise<string[]> {
  try {
    return await readdir(history.dir);
  } catch (error) {
    if (isMissingFile(error)) return [];
    throw unreadableInput(history.relative(history.dir), error);
  }
}

/**
 * A history file's text (a regular file under its kind's cap, never through a link, never
 * blocking); null when it does not exist. One that cannot be read is `invalid_input` naming it.
 */
async function readIfPresent(history: HistoryLocation, path: string, kind: FileKind): Promise<string | null> {
  const shown = history.relative(path);
  try {
    const bytes = await readBoundedFile(path, { kind, shown, what: 'history file' });
    return bytes === null ? null : bytes.toString('utf8');
  } catch (error) {
    if (error instanceof JobError) throw error;
    throw unreadableInput(shown, error);
  }
}

/** The parsed text, or undefined when it is not JSON or nests too deep. */
function parsedOrUndefined(text: string): unknown {
  try {
    return parseJsonBounded(text, { what: 'history file', file: 'history' });
  } catch (error) {
    if (error instanceof JobError) return undefined;
    throw error;
  }
}

/** Whether the manifest has a delivery line for this revision (lines before revisions are revision 1). */
async function manifestRecords(
  history: HistoryLocation,
  weekStart: string,
  revision: number,
): Promise<boolean> {
  return (await readManifestLines(history)).some(
    (line) =>
      line.event === 'delivered' &&
      line.week_start === weekStart &&
      ((line as Partial<DeliveryManifestLine>).revision ?? 1) === revision,
  );
}

function isJsonObject(text: string): boolean {
  const value = parsedOrUndefined(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSignature(text: string): boolean {
  if (LEGACY_SIGNATURE.test(text)) return true;
  const record = parsedOrUndefined(text) as Partial<SignatureRecord> | null | undefined;
  return typeof record?.signature === 'string' && record.signature !== '';
}

/** A `.sig` written by this job (not the earlier tooling's bare hex), or null. */
function signatureRecord(text: string | null): SignatureRecord | null {
  if (text === null) return null;
  const record = parsedOrUndefined(text) as Partial<SignatureRecord> | null | undefined;
  return typeof record?.webhook_id === 'string' && Number.isFinite(record.timestamp)
    ? (record as SignatureRecord)
    : null;
}

/** The delivering run: recorded in the signature, or (records before revisions) `<job_id>:<week>` as its webhook id. */
function deliveringJob(record: SignatureRecord, weekStart: string): string | null {
  if (typeof record.job_id === 'string') return record.job_id;
  return record.webhook_id.endsWith(`:${weekStart}`)
    ? record.webhook_id.slice(0, -`:${weekStart}`.length)
    : null;
}

/** The manifest's readable lines (streamed, bounded); a line that is not a JSON object (a hand edit) is passed over. */
async function readManifestLines(
  history: HistoryLocation,
): Promise<Partial<DeliveryManifestLine | DeletionManifestLine>[]> {
  const lines: Partial<DeliveryManifestLine | DeletionManifestLine>[] = [];
  await forEachJsonLine(
    manifestPath(history),
    { shown: history.relative(manifestPath(history)) },
    ({ value }) => {
      lines.push(value as Partial<DeliveryManifestLine | DeletionManifestLine>);
    },
  );
  return lines;
}
