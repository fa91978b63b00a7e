import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { readBoundedFile } from '../bounded-file-read.js';
import { parseJsonBounded } from '../bounded-json.js';
import * as z from '../configured-zod.js';
import { JobError } from '../job-error.js';
import { EVENT_NAMES, SEVERITIES } from './notification-events.js';

const latencyFigures = z.object({
  breach_range: z.object({ start: z.string(), end: z.string() }).nullable(),
  p95_ms: z.number().nullable(),
  threshold_ms: z.number(),
  failure_rate: z.number().nullable(),
  breach_streak: z.number(),
});

/**
 * One alert as it goes out: the item shape `schemas/notification.schema.json` and the weekly
 * payload's `alerts[]` share (`$defs.alert_item`). Latency alerts add their SLO figures.
 */
export const notificationItemSchema = z.looseObject({
  id: z.enum(EVENT_NAMES),
  severity: z.enum(SEVERITIES),
  status: z.enum(['firing', 'resolved']),
  message: z.string(),
  evidence_path: z.string(),
  dedup_key: z.string(),
  job: z.string(),
  job_id: z.string(),
  error_code: z.string(),
  runbook: z.string(),
  since: z.string(),
  ...latencyFigures.partial().shape,
});
export type NotificationItem = z.output<typeof notificationItemSchema>;

/** A notification not yet accepted by every receiver it is routed to. */
const queuedSchema = z.object({
  /** webhook-id / Message-ID: stable across retries so receivers can deduplicate */
  message_id: z.string(),
  item: notificationItemSchema,
  queued_at: z.string(),
  /** receivers that accepted it */
  delivered_to: z.array(z.string()),
  /** receivers whose last attempt failed */
  failed: z.array(z.string()),
  /** attempts that failed, over every run that tried it */
  attempts: z.number().int().min(0),
  last_error: z.string().nullable(),
  /** why it is still waiting after the last run that tried it */
  pending_reason: z.enum(['no_receiver', 'alert_delivery_failed']).nullable(),
});
export type QueuedNotification = z.output<typeof queuedSchema>;

const alertRecordSchema = z.object({
  key: z.string(),
  event: z.enum(EVENT_NAMES),
  status: z.enum(['firing', 'resolved']),
  severity: z.enum(SEVERITIES),
  /** the highest severity while firing: its `resolved` goes wherever that was routed */
  peak_severity: z.enum(SEVERITIES),
  since: z.string(),
  resolved_at: z.string().nullable(),
  /** when a receiver last accepted a notification of it; repeats are timed from here */
  last_notified_at: z.string().nullable(),
  item: notificationItemSchema,
  queue: z.array(queuedSchema),
});
export type AlertRecord = z.output<typeof alertRecordSchema>;

export const NOTIFICATION_STATE_VERSION = 1;

const stateSchema = z.object({
  schema_version: z.literal(NOTIFICATION_STATE_VERSION),
  job: z.string(),
  updated_at: z.string().nullable(),
  consecutive_skipped: z.number().int().min(0),
  alerts: z.array(alertRecordSchema),
});
export type NotificationState = z.output<typeof stateSchema>;

export function emptyState(job: string): NotificationState {
  return {
    schema_version: NOTIFICATION_STATE_VERSION,
    job,
    updated_at: null,
    consecutive_skipped: 0,
    alerts: [],
  };
}

/** One state file per job, beside the heartbeats: no job ever waits for another's. */
export function stateFileOf(stateDir: string, job: string): string {
  return join(stateDir, `${job}.json`);
}

export type StateRead =
  | { kind: 'missing'; state: NotificationState }
  | { kind: 'ok'; state: NotificationState }
  | { kind: 'corrupt'; state: NotificationState; reason: string };

/**
 * Reads a job's notification state without trusting it (no link, capped, nesting capped). A
 * corrupt file starts afresh and says why: the run reports it, and the conditions that still
 * hold fire again rather than being lost.
 */
export async function readNotificationState(path: string, shown: string, job: string): Promise<StateRead> {
  try {
    const bytes = await readBoundedFile(path, {
      kind: 'notification_state',
      shown,
      code: 'notification_state_corrupt',
    });
    if (bytes === null) return { kind: 'missing', state: emptyState(job) };
    const data = parseJsonBounded(bytes, {
      what: 'notification state',
      file: shown,
      code: 'notification_state_corrupt',
    });
    const parsed = stateSchema.safeParse(data);
    if (parsed.success) return { kind: 'ok', state: parsed.data };
    const issue = parsed.error.issues[0];
    return {
      kind: 'corrupt',
      state: emptyState(job),
      reason: `${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`,
    };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return {
      kind: 'corrupt',
      state: emptyState(job),
      reason: String(error.details.problem ?? error.message),
    };
  }
}

export async function writeNotificationState(path: string, state: NotificationState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}

/** Every queued notification of a state, with the alert it belongs to. */
export function pendingNotifications(
  state: NotificationState,
): { alert: AlertRecord; queued: QueuedNotification }[] {
  return state.alerts.flatMap((alert) => alert.queue.map((queued) => ({ alert, queued })));
}
