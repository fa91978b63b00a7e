import { canonicalJsonBytes } from '../canonical-json.js';
import { sha256Hex } from '../checksum.js';
import { maskResponseExcerpt, maskSecrets, maskUrl } from '../secret-masking.js';
import { type AttemptOutcome, sendAttempt } from './attempt.js';
import { backoffSeconds } from './backoff.js';
import { type DeliveryOptions, resolveOptions } from './options.js';
import { parseRetryAfter } from './retry-after.js';
import { signatureHeaders, signWebhook } from './signing.js';
import { sleepUnlessAborted } from './sleep.js';
import type { WebhookErrorCode, WebhookRequest, WebhookResult, WebhookSignature } from './types.js';

/** Why the delivery ends after an attempt; an empty stop means success. */
interface Stop {
  errorCode?: WebhookErrorCode;
  errorMessage?: string;
}

interface AttemptRecord {
  attempt: number;
  outcome: AttemptOutcome;
  signature: WebhookSignature | undefined;
  retryAfter: number | null;
}

/**
 * POSTs the canonical JSON of `request.body`, signed when a secret is given, retrying transient
 * failures with exponential backoff or the server's Retry-After. Resolves with the outcome for
 * every HTTP and network result; rejects only on invalid options or when `request.signal` aborts
 * (with the signal's reason).
 */
export async function deliverWebhook(request: WebhookRequest): Promise<WebhookResult> {
  const options = resolveOptions(request);
  const body = canonicalJsonBytes(request.body);
  const bodySha256 = sha256Hex(body);
  const waits: number[] = [];
  let lastRetryAfter: number | undefined;

  for (let attempt = 1; ; attempt++) {
    request.signal?.throwIfAborted();
    const signature =
      request.secret === undefined
        ? undefined
        : signWebhook(request.secret, request.messageId, unixSeconds(options.now()), body);
    const outcome = await sendAttempt({
      url: request.url,
      headers: buildHeaders(request.headers, options.userAgent, signature),
      body,
      timeoutMs: options.timeoutMs,
      signal: request.signal,
    });
    const record: AttemptRecord = { attempt, outcome, signature, retryAfter: retryAfterOf(outcome, options) };
    lastRetryAfter = record.retryAfter ?? lastRetryAfter;

    const stop = stopAfter(record, options, maskUrl(request.url));
    if (stop) {
      return toResult(stop, record, options, { waits, bodySha256, retryAfterSeconds: lastRetryAfter });
    }
    const wait = record.retryAfter ?? backoffSeconds(attempt, options.retryWaitSeconds, options.random);
    waits.push(wait);
    await sleepUnlessAborted(options.sleep, wait * 1000, request.signal);
  }
}

/** Returns null when the attempt should be retried. */
function stopAfter(record: AttemptRecord, options: DeliveryOptions, target: string): Stop | null {
  const { attempt, outcome, retryAfter } = record;
  const last = outcome.kind === 'response' ? `HTTP ${outcome.statusCode}` : outcome.message;
  if (outcome.kind === 'response') {
    const status = outcome.statusCode;
    if (status >= 200 && status < 300) return {};
    if (status === 401 || status === 403) {
      return {
        errorCode: 'auth_failed',
        errorMessage: `webhook ${target} refused the credentials (${last})`,
      };
    }
    if (status !== 408 && status !== 429 && status < 500) {
      return {
        errorCode: 'webhook_rejected',
        errorMessage: `webhook ${target} rejected the delivery (${last})`,
      };
    }
  }
  if (retryAfter !== null && retryAfter > options.maxRetryAfterSeconds) {
    return {
      errorCode: 'rate_limited',
      errorMessage: `webhook ${target} asked to retry after ${retryAfter} s, more than the ${options.maxRetryAfterSeconds} s allowed`,
    };
  }
  if (attempt > options.maxRetries) {
    const attempts = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
    return {
      errorCode: 'webhook_failed',
      errorMessage: `webhook ${target} failed after ${attempts} (last: ${last})`,
    };
  }
  return null;
}

function toResult(
  stop: Stop,
  { attempt, outcome, signature }: AttemptRecord,
  options: DeliveryOptions,
  totals: { waits: number[]; bodySha256: string; retryAfterSeconds: number | undefined },
): WebhookResult {
  const { waits, bodySha256, retryAfterSeconds } = totals;
  return {
    ok: stop.errorCode === undefined,
    outcome: stop.errorCode ?? 'ok',
    ...(stop.errorCode && {
      errorCode: stop.errorCode,
      errorMessage: maskSecrets(stop.errorMessage ?? '', options.sensitiveValues),
    }),
    attempts: attempt,
    statusCode: outcome.kind === 'response' ? outcome.statusCode : null,
    responseMs: outcome.durationMs,
    responseExcerpt:
      outcome.kind === 'response' ? maskResponseExcerpt(outcome.text, options.sensitiveValues) : '',
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    waits,
    ...(signature && { signature }),
    bodySha256,
  };
}

/** Retry-After counts only on 429 and 503, the statuses it has a meaning for here. */
function retryAfterOf(outcome: AttemptOutcome, options: DeliveryOptions): number | null {
  if (outcome.kind !== 'response' || (outcome.statusCode !== 429 && outcome.statusCode !== 503)) return null;
  return parseRetryAfter(outcome.headers['retry-after'], options.now);
}

/** Caller headers first, so they can never replace the content type, user agent or signatures. */
function buildHeaders(
  extra: Record<string, string> | undefined,
  userAgent: string,
  signature: WebhookSignature | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra ?? {})) headers[name.toLowerCase()] = value;
  return {
    ...headers,
    'content-type': 'application/json',
    'user-agent': userAgent,
    ...(signature && signatureHeaders(signature)),
  };
}

function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
