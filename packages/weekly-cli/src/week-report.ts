import { join } from 'node:path';
import {
  canonicalJsonBytes,
  errorMessageOf,
  formatSchemaIssues,
  type JobContext,
  JobError,
  type WebhookResult,
  writeFileAtomic,
} from '@obs-automation/core';
import type { DeliveryLedger } from './delivery-ledger.js';
import { type DeliveredReport, type HistoryLocation, recordDelivery } from './history-store.js';
import { buildWeeklyPayload } from './payload-builder.js';
import { validatePayload } from './payload-validation.js';
import { deliverReport, webhookTarget, weeklyWebhookId } from './report-delivery.js';
import type { UnrecordedDelivery } from './unrecorded-deliveries.js';
import type { WeekWindow } from './week-window.js';
import type { WeeklyOptions } from './weekly-options.js';
import type { WeeklyPayload } from './weekly-payload.js';

export type SkipReason = 'already_delivered' | 'dry_run' | 'preview' | 'not_due';

/** What the summary, the log and the heartbeat say about one week's delivery. */
export interface DeliveryFacts {
  delivered: boolean;
  attempts: number;
  webhookStatusCode: number | null;
  reason?: SkipReason;
  webhookId?: string;
  revision?: number;
}

/** `error_code`, `error_message` and their details: why a week did not end ok. */
export type Problem = Record<string, unknown> & { error_code: string; error_message: string };

/** One week handled by a run. */
export interface WeekResult {
  week: WeekWindow;
  status: 'ok' | 'warning' | 'error' | 'dry_run';
  payload: WeeklyPayload;
  sizeBytes: number;
  facts: DeliveryFacts;
  artefacts: string[];
  /** what building the payload reported about its inputs */
  inputs: Record<string, unknown>;
  /** what else the run reports about this week (history problems, retention, …) */
  notes: Record<string, unknown>;
  problem?: Problem;
  /** a delivery the history could not take, to be kept in the heartbeat */
  unrecorded?: UnrecordedDelivery;
}

export interface WeekRunContext {
  options: WeeklyOptions;
  context: JobContext;
  history: HistoryLocation;
  ledger: DeliveryLedger;
}

export const NOT_SENT: DeliveryFacts = { delivered: false, attempts: 0, webhookStatusCode: null };

type Built = { payload: WeeklyPayload; body: Buffer; inputs: Record<string, unknown> };

/** Builds and validates a week's payload; an invalid payload is the week's (error) result. */
async function buildValidated(run: WeekRunContext, week: WeekWindow): Promise<Built | WeekResult> {
  const { options, context } = run;
  const { payload, diagnostics: inputs } = await buildWeeklyPayload(options, context, week);
  context.checkpoint();
  const body = canonicalJsonBytes(payload);
  const invalid = await validatePayload(
    payload,
    options.payloadSchema,
    context.resolvePath(options.dryRunDir),
    context,
  );
  if (!invalid) return { payload, body, inputs };
  return {
    week,
    status: 'error',
    payload,
    sizeBytes: body.length,
    facts: NOT_SENT,
    artefacts: [context.relativePath(invalid.file)],
    inputs,
    notes: {},
    problem: {
      error_code: 'schema_validation_failed',
      error_message: `payload does not satisfy ${options.payloadSchema}: ${formatSchemaIssues(invalid.issues)}`,
      schema_errors: invalid.issues.length,
      invalid_payload: context.relativePath(invalid.file),
    },
  };
}

function isResult(value: Built | WeekResult): value is WeekResult {
  return 'status' in value;
}

/**
 * A dry run: the payload a real run would send, or (`preview`) the one the next send time will
 * send, built from the data so far, in `<dry-run-dir>/<job_id>.json` or `<job_id>.preview.json`.
 */
export async function dryRunWeek(
  run: WeekRunContext,
  week: WeekWindow,
  preview: boolean,
): Promise<WeekResult> {
  const built = await buildValidated(run, week);
  if (isResult(built)) return built;
  const { options, context } = run;
  const name = `${context.jobId}${preview ? '.preview' : ''}.json`;
  const file = context.resolvePath(join(options.dryRunDir, name));
  await writeFileAtomic(file, `${JSON.stringify(built.payload, null, 2)}\n`);
  return {
    week,
    status: 'dry_run',
    payload: built.payload,
    sizeBytes: built.body.length,
    facts: { ...NOT_SENT, reason: preview ? 'preview' : 'dry_run' },
    artefacts: [context.relativePath(file)],
    inputs: built.inputs,
    notes: {},
  };
}

/**
 * Delivers a week's report unless the ledger shows it delivered (then `already_delivered`, or a
 * new revision with --force-send). A report the receiver accepted is delivered whatever happens
 * to its history record: a history that cannot take it makes the week `warning`
 * (`history_write_failed`) and the delivery is kept for the heartbeat instead.
 */
export async function deliverWeek(run: WeekRunContext, week: WeekWindow): Promise<WeekResult> {
  const { options, context, history, ledger } = run;
  const built = await buildValidated(run, week);
  if (isResult(built)) return built;
  const { payload, body, inputs } = built;
  const state = await ledger.week(week.weekStart);
  const notes: Record<string, unknown> = state.problem ? { history_problem: state.problem } : {};
  const result = (fields: Omit<WeekResult, 'week' | 'payload' | 'sizeBytes' | 'inputs' | 'notes'>) => ({
    week,
    payload,
    sizeBytes: body.length,
    inputs,
    notes,
    ...fields,
  });

  if (state.revision > 0 && !options.forceSend) {
    return result({
      status: 'ok',
      facts: {
        ...NOT_SENT,
        reason: 'already_delivered',
        webhookId: weeklyWebhookId(week.weekStart, state.revision),
        revision: state.revision,
      },
      artefacts: [],
    });
  }

  const revision = state.revision + 1;
  let sent: WebhookResult;
  try {
    sent = await deliverReport(webhookTarget(options, context), payload, revision, options, context);
  } catch (error) {
    if (!(error instanceof JobError) || context.signal.aborted) throw error;
    return result({
      status: 'error',
      facts: NOT_SENT,
      artefacts: [],
      problem: { error_code: error.code, error_message: error.message, ...error.details },
    });
  }
  const facts: DeliveryFacts = {
    delivered: sent.ok,
    attempts: sent.attempts,
    webhookStatusCode: sent.statusCode,
    webhookId: weeklyWebhookId(week.weekStart, revision),
    revision,
  };
  if (!sent.ok) {
    return result({
      status: options.failOnError ? 'error' : 'warning',
      facts,
      artefacts: [],
      problem: {
        error_code: sent.errorCode ?? 'webhook_failed',
        error_message: sent.errorMessage ?? 'the webhook delivery failed',
        ...(sent.retryAfterSeconds !== undefined && { retry_after: sent.retryAfterSeconds }),
        response_excerpt: sent.responseExcerpt,
      },
    });
  }
  if (!sent.signature) throw new Error('a signed delivery returned no signature');
  const report: DeliveredReport = {
    weekStart: week.weekStart,
    revision,
    jobId: context.jobId,
    body,
    signature: {
      algorithm: sent.signature.algorithm,
      signature: sent.signature.obsSignature,
      webhook_id: sent.signature.webhookId,
      timestamp: sent.signature.webhookTimestamp,
      payload_checksum_sha256: payload.payload_checksum_sha256,
      job_id: context.jobId,
      revision,
    },
    deliveredAt: context.now.toISOString(),
    webhookStatusCode: sent.statusCode,
    attempts: sent.attempts,
  };
  try {
    const written = await recordDelivery(history, report);
    ledger.noteDelivered(week.weekStart, revision, 'history');
    return result({ status: 'ok', facts, artefacts: written });
  } catch (error) {
    ledger.noteDelivered(week.weekStart, revision, 'heartbeat');
    return result({
      status: 'warning',
      facts,
      artefacts: [],
      problem: historyWriteFailed(
        history,
        context.relativePath(options.heartbeatFile),
        error,
        `delivered the report of ${week.weekStart} (webhook-id ${facts.webhookId}) but cannot record it`,
      ),
      unrecorded: {
        week_start: week.weekStart,
        revision,
        job_id: context.jobId,
        delivered_at: report.deliveredAt,
        webhook_status_code: report.webhookStatusCode,
        attempts: report.attempts,
        signature: report.signature,
        payload: payload as unknown as Record<string, unknown>,
      },
    });
  }
}

/**
 * `history_write_failed`: the history folder could not take a delivery's record. The delivery
 * stays in the heartbeat, counts as delivered, and is recorded by the first run that can write
 * the folder.
 */
export function historyWriteFailed(
  history: HistoryLocation,
  heartbeat: string,
  error: unknown,
  what: string,
): Problem {
  const folder = history.relative(history.dir);
  return {
    error_code: 'history_write_failed',
    error_message:
      `${what} in ${folder}: ${errorMessageOf(error)}. The delivery is kept in ${heartbeat} ` +
      'and recorded in the history by the first run that can write the folder; it is not sent again',
    history_dir: folder,
    cause: error instanceof JobError ? error.code : ((error as NodeJS.ErrnoException).code ?? 'error'),
  };
}
