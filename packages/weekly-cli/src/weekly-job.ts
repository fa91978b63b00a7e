import { join } from 'node:path';
import {
  canonicalJsonBytes,
  formatSchemaIssues,
  type JobContext,
  type JobDefinition,
  JobError,
  type JobOutcome,
  type WebhookResult,
  writeFileAtomic,
} from '@obs-automation/core';
import {
  deliveryState,
  type HistoryLocation,
  manifestPath,
  pruneHistory,
  recordDelivery,
  recordMissedDelivery,
} from './history-store.js';
import { buildWeeklyPayload } from './payload-builder.js';
import { validatePayload } from './payload-validation.js';
import { deliverReport, webhookTarget } from './report-delivery.js';
import { selectWeek, weekWindow } from './week-window.js';
import {
  finalizeWeeklyOptions,
  WEEKLY_CONFIG,
  WEEKLY_OPTIONS,
  type WeeklyConfig,
  type WeeklyOptions,
} from './weekly-options.js';
import type { WeeklyPayload } from './weekly-payload.js';
import { weeklySummaryFacts } from './weekly-summary-facts.js';

/** The delivery facts every summary and log entry of this job carries. */
interface DeliveryFacts {
  delivered: boolean;
  attempts: number;
  webhookStatusCode: number | null;
  reason?: 'already_delivered' | 'dry_run';
}

export const weeklyJob: JobDefinition<typeof WEEKLY_OPTIONS.declarations, WeeklyOptions, WeeklyConfig> = {
  name: 'weekly',
  describeSummary: weeklySummaryFacts,
  description:
    'Builds the weekly health report (runs, latency, portfolio, alerts), validates it against its JSON ' +
    'Schema and delivers it once per week to a signed webhook, keeping a 60-day history.',
  examples: [
    'obs-weekly --dry-run-webhook',
    'OBS_WEEKLY_WEBHOOK_URL=https://hooks.example/weekly OBS_WEBHOOK_SECRET=… obs-weekly',
    'obs-weekly --week-start 2025-10-06 --force-send',
  ],
  options: WEEKLY_OPTIONS,
  config: WEEKLY_CONFIG,
  lockFile: (options) => options.lockFile,
  heartbeatFile: (options) => options.heartbeatFile,
  finalize: finalizeWeeklyOptions,
  run: runWeekly,
};

/** Adds the payload's facts to an outcome: every summary and log entry of this job carries them. */
type Report = (facts: DeliveryFacts, outcome: Omit<JobOutcome, 'summary' | 'attempts'>) => JobOutcome;

const NOT_SENT: DeliveryFacts = { delivered: false, attempts: 0, webhookStatusCode: null };

async function runWeekly(options: WeeklyOptions, context: JobContext): Promise<JobOutcome> {
  const week = options.weekStart ? weekWindow(options.weekStart) : selectWeek(context.now, options.week);
  const { payload, diagnostics } = await buildWeeklyPayload(options, context, week);
  context.checkpoint();
  const body = canonicalJsonBytes(payload);
  const report: Report = (facts, outcome) => ({
    ...outcome,
    alerts: payload.alerts,
    attempts: facts.attempts,
    diagnostics: { ...diagnostics, ...outcome.diagnostics },
    summary: summaryFields(payload, body.length, facts),
    heartbeat: { ...deliveryHeartbeat(context.previousHeartbeat), ...outcome.heartbeat },
  });

  const invalid = await validatePayload(
    payload,
    options.payloadSchema,
    context.resolvePath(options.dryRunDir),
    context,
  );
  if (invalid) {
    return report(NOT_SENT, {
      status: 'error',
      artefacts: [context.relativePath(invalid.file)],
      diagnostics: {
        error_code: 'schema_validation_failed',
        error_message: `payload does not satisfy ${options.payloadSchema}: ${formatSchemaIssues(invalid.issues)}`,
        schema_errors: invalid.issues.length,
        invalid_payload: context.relativePath(invalid.file),
      },
    });
  }

  if (options.dryRunWebhook) {
    const file = context.resolvePath(join(options.dryRunDir, `${context.jobId}.json`));
    await writeFileAtomic(file, `${JSON.stringify(payload, null, 2)}\n`);
    return report(
      { ...NOT_SENT, reason: 'dry_run' },
      { status: 'dry_run', artefacts: [context.relativePath(file)] },
    );
  }
  return deliverOnce(payload, body, options, context, report);
}

/** Delivers the week's report unless the history shows it was delivered, then applies retention. */
async function deliverOnce(
  payload: WeeklyPayload,
  body: Buffer,
  options: WeeklyOptions,
  context: JobContext,
  report: Report,
): Promise<JobOutcome> {
  const history: HistoryLocation = {
    dir: context.resolvePath(options.outDir),
    relative: context.relativePath,
  };
  const weekStart = payload.week_start;
  const state = await deliveryState(history, weekStart);
  const historyProblem = !state.delivered && state.problem ? { history_problem: state.problem } : {};
  if (state.delivered && !options.forceSend) {
    const recovered = await recordMissedDelivery(history, weekStart, context.jobId);
    const retention = await prune(history, options, context, weekStart);
    return report(
      { ...NOT_SENT, reason: 'already_delivered' },
      {
        status: 'ok',
        artefacts: [...new Set([...recovered, ...retention.artefacts])],
        diagnostics: {
          ...(recovered.length > 0 && {
            history_recovered: `the delivery of ${weekStart} lacked its manifest line (its run was killed); recorded now`,
          }),
          ...retention.diagnostics,
        },
      },
    );
  }

  let result: WebhookResult;
  try {
    result = await deliverReport(webhookTarget(options, context), payload, options, context);
  } catch (error) {
    if (!(error instanceof JobError) || context.signal.aborted) throw error;
    return report(NOT_SENT, {
      status: 'error',
      artefacts: [],
      diagnostics: {
        ...historyProblem,
        error_code: error.code,
        error_message: error.message,
        ...error.details,
      },
    });
  }
  const facts: DeliveryFacts = {
    delivered: result.ok,
    attempts: result.attempts,
    webhookStatusCode: result.statusCode,
  };
  const heartbeat = { last_webhook_status_code: result.statusCode };
  if (!result.ok) {
    return report(facts, {
      status: options.failOnError ? 'error' : 'warning',
      artefacts: [],
      heartbeat,
      diagnostics: {
        ...historyProblem,
        error_code: result.errorCode,
        error_message: result.errorMessage,
        ...(result.retryAfterSeconds !== undefined && { retry_after: result.retryAfterSeconds }),
        response_excerpt: result.responseExcerpt,
      },
    });
  }
  if (!result.signature) throw new Error('a signed delivery returned no signature');
  context.checkpoint();
  const written = await recordDelivery(history, {
    weekStart,
    jobId: context.jobId,
    body,
    signature: {
      algorithm: result.signature.algorithm,
      signature: result.signature.obsSignature,
      webhook_id: result.signature.webhookId,
      timestamp: result.signature.webhookTimestamp,
      payload_checksum_sha256: payload.payload_checksum_sha256,
    },
    deliveredAt: context.now.toISOString(),
    webhookStatusCode: result.statusCode,
    attempts: result.attempts,
  });
  const retention = await prune(history, options, context, weekStart);
  return report(facts, {
    status: 'ok',
    artefacts: [...new Set([...written, ...retention.artefacts])],
    heartbeat: { ...heartbeat, last_delivered_week_start: weekStart },
    diagnostics: { ...historyProblem, ...retention.diagnostics },
  });
}

/** Retention of the history; the manifest is an artefact when it recorded deletions. */
async function prune(
  history: HistoryLocation,
  options: WeeklyOptions,
  context: JobContext,
  weekStart: string,
): Promise<{ artefacts: string[]; diagnostics: Record<string, unknown> }> {
  const deleted = await pruneHistory(history, {
    now: context.now,
    retentionDays: options.historyRetentionDays,
    keepWeekStart: weekStart,
    jobId: context.jobId,
  });
  if (deleted.length === 0) return { artefacts: [], diagnostics: {} };
  return { artefacts: [history.relative(manifestPath(history))], diagnostics: { history_deleted: deleted } };
}

/** The heartbeat's delivery fields are always present: carried over from the last run, else null. */
function deliveryHeartbeat(previous: Record<string, unknown> | null): Record<string, unknown> {
  return {
    last_webhook_status_code: previous?.last_webhook_status_code ?? null,
    last_delivered_week_start: previous?.last_delivered_week_start ?? null,
  };
}

function summaryFields(
  payload: WeeklyPayload,
  sizeBytes: number,
  facts: DeliveryFacts,
): Record<string, unknown> {
  return {
    week_start: payload.week_start,
    payload_checksum_sha256: payload.payload_checksum_sha256,
    payload_size_bytes: sizeBytes,
    webhook_status_code: facts.webhookStatusCode,
    delivered: facts.delivered,
    ...(facts.reason && { reason: facts.reason }),
    runs_included: payload.runs.length,
    latency_method: payload.latency.method,
  };
}
