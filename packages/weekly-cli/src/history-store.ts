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
 * `ops/weekly_report_history/`: `<week_start>.json` (the exact body delivered),
 * `<week_start>.sig` (how it was signed) and `manifest.jsonl` (one line per delivery and per
 * deletion).
 */
export interface HistoryLocation {
  /** absolute folder */
  dir: string;
  /** root-relative path for manifests and artefact lists */
  relative(path: string): string;
}

/** What `<week_start>.sig` holds: the X-OBS-Signature as sent and the Standard Webhooks inputs. */
export interface SignatureRecord {
  algorithm: string;
  signature: string;
  webhook_id: string;
  timestamp: number;
  payload_checksum_sha256: string;
}

export interface DeliveredReport {
  weekStart: string;
  jobId: string;
  /** the canonical JSON bytes that were sent */
  body: Buffer;
  signature: SignatureRecord;
  deliveredAt: string;
  webhookStatusCode: number | null;
  attempts: number;
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
  /** the run that wrote the line for a delivery whose own run was killed before writing it */
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

export type DeliveryState = { delivered: true } | { delivered: false; problem?: string };

const HISTORY_FILE = /^(\d{4}-\d{2}-\d{2})\.(json|sig)$/;
/** The earlier tooling wrote the bare hex HMAC (optionally prefixed) instead of a JSON record. */
const LEGACY_SIGNATURE = /^(sha256=)?[0-9a-fA-F]{64}$/;

export function manifestPath(history: HistoryLocation): string {
  return join(history.dir, 'manifest.jsonl');
}

/**
 * A week counts as delivered when its payload parses and its `.sig` — written only after the
 * receiver accepted the report — is a signature record (or the earlier tooling's bare hex).
 */
export async function deliveryState(history: HistoryLocation, weekStart: string): Promise<DeliveryState> {
  const payloadText = await readIfPresent(history, join(history.dir, `${weekStart}.json`), 'history_record');
  const signatureText = await readIfPresent(history, join(history.dir, `${weekStart}.sig`), 'signature');
  if (payloadText === null || signatureText === null) return { delivered: false };
  if (!isJsonObject(payloadText))
    return {
      delivered: false,
      problem: `${weekStart}.json is not a JSON object; the week is delivered again`,
    };
  if (!isSignature(signatureText.trim()))
    return {
      delivered: false,
      problem: `${weekStart}.sig is not a signature record; the week is delivered again`,
    };
  return { delivered: true };
}

/**
 * Records a delivery: payload, then signature (the commit point deliveryState looks for), then
 * the manifest line. Returns the files written, root-relative.
 */
export async function recordDelivery(history: HistoryLocation, report: DeliveredReport): Promise<string[]> {
  const payloadFile = join(history.dir, `${report.weekStart}.json`);
  const signatureFile = join(history.dir, `${report.weekStart}.sig`);
  await writeFileAtomic(payloadFile, report.body);
  faultPoint('weekly:after-history-payload');
  await writeFileAtomic(signatureFile, `${JSON.stringify(report.signature, null, 2)}\n`);
  faultPoint('weekly:after-history-signature');
  const line: DeliveryManifestLine = {
    event: 'delivered',
    week_start: report.weekStart,
    job_id: report.jobId,
    path: history.relative(payloadFile),
    checksum_sha256: sha256Hex(report.body),
    delivered_at: report.deliveredAt,
    webhook_status_code: report.webhookStatusCode,
    attempts: report.attempts,
  };
  await appendLines(manifestPath(history), [JSON.stringify(line)]);
  return [payloadFile, signatureFile, manifestPath(history)].map((path) => history.relative(path));
}

/**
 * Completes the record of a delivery whose run was killed after writing the signature (the
 * commit point) but before its manifest line: the line is written from the payload and the
 * signature record, marked `recovered_by`. Nothing is written when the manifest already records
 * the week, or when the signature is the earlier tooling's (which kept no manifest). Returns the
 * manifest, root-relative, when a line was written.
 */
export async function recordMissedDelivery(
  history: HistoryLocation,
  weekStart: string,
  recoveredBy: string,
): Promise<string[]> {
  const recorded = await readManifestLines(history);
  if (recorded.some((line) => line.event === 'delivered' && line.week_start === weekStart)) return [];
  const payloadFile = join(history.dir, `${weekStart}.json`);
  const record = signatureRecord(
    await readIfPresent(history, join(history.dir, `${weekStart}.sig`), 'signature'),
  );
  const payload = await readBoundedFile(payloadFile, { kind: 'history_record' }).catch(() => null);
  const jobId = record?.webhook_id.endsWith(`:${weekStart}`)
    ? record.webhook_id.slice(0, -`:${weekStart}`.length)
    : null;
  if (!record || !payload || !jobId) return [];
  const line: DeliveryManifestLine = {
    event: 'delivered',
    week_start: weekStart,
    job_id: jobId,
    path: history.relative(payloadFile),
    checksum_sha256: sha256Hex(payload),
    delivered_at: new Date(record.timestamp * 1000).toISOString(),
    webhook_status_code: null,
    attempts: null,
    recovered_by: recoveredBy,
  };
  await appendLines(manifestPath(history), [JSON.stringify(line)]);
  return [history.relative(manifestPath(history))];
}

/**
 * Deletes the history of weeks that started more than `retentionDays` before `now` (never the
 * week being reported). Each deletion is recorded in the manifest before any file is removed;
 * a deletion a killed run recorded but did not carry out is carried out without a second line.
 * Returns the deleted files, root-relative.
 */
export async function pruneHistory(
  history: HistoryLocation,
  options: { now: Date; retentionDays: number; keepWeekStart: string; jobId: string },
): Promise<string[]> {
  const cutoff = options.now.getTime() - options.retentionDays * MS_PER_DAY;
  let names: string[];
  try {
    names = await readdir(history.dir);
  } catch (error) {
    if (isMissingFile(error)) return [];
    throw unreadableInput(history.relative(history.dir), error);
  }
  const expired = names
    .map((name) => ({ week: HISTORY_FILE.exec(name)?.[1], file: join(history.dir, name) }))
    .filter(
      (entry): entry is { week: string; file: string } =>
        entry.week !== undefined &&
        entry.week !== options.keepWeekStart &&
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

/**
 * A history file's text (a regular file under its kind's cap, never through a link, never
 * blocking); null when it does not exist. One that cannot be read is `invalid_input` naming it.
 */
async function readIfPresent(history: HistoryLocation, path: string, kind: FileKind): Promise<string | null> {
  const shown = history.relative(path);
  const bytes = await readBoundedFile(path, { kind, shown, what: 'history file' });
  return bytes === null ? null : bytes.toString('utf8');
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
