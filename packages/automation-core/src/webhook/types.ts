export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface WebhookRequest {
  url: string;
  /** Serialised with canonicalJson; the exact bytes sent are what gets signed and hashed. */
  body: unknown;
  /** When set, the request carries X-OBS-Signature and the Standard Webhooks headers. */
  secret?: string;
  /** The webhook-id header: stable per message (e.g. `${jobId}:${reportKey}`) so receivers can deduplicate. */
  messageId: string;
  /** Per attempt; default 10. */
  timeoutSeconds?: number;
  /** Retries after the first attempt; default 3. */
  maxRetries?: number;
  /** Base of the exponential backoff; default 60. */
  retryWaitSeconds?: number;
  /** A Retry-After asking for longer stops the delivery as rate_limited; default 3600. */
  maxRetryAfterSeconds?: number;
  /** Version in `User-Agent: obs-automation/<version>`; default the core package's version. */
  userAgentVersion?: string;
  headers?: Record<string, string>;
  /** Aborts the whole delivery, including a pending wait; the delivery rejects with the signal's reason. */
  signal?: AbortSignal;
  sleep?: Sleep;
  /** Clock for webhook-timestamp and HTTP-date Retry-After values. */
  now?: () => Date;
  /** Source of backoff jitter, in [0, 1). */
  random?: () => number;
}

export type WebhookOutcome = 'ok' | 'auth_failed' | 'webhook_rejected' | 'rate_limited' | 'webhook_failed';

export type WebhookErrorCode = Exclude<WebhookOutcome, 'ok'>;

export interface WebhookSignature {
  algorithm: 'hmac-sha256';
  obsSignature: string;
  webhookId: string;
  webhookTimestamp: number;
  webhookSignature: string;
}

export interface WebhookResult {
  ok: boolean;
  outcome: WebhookOutcome;
  errorCode?: WebhookErrorCode;
  /** Never contains a secret or the URL's path and query. */
  errorMessage?: string;
  attempts: number;
  /** Last HTTP status; null when the last attempt got no response. */
  statusCode: number | null;
  /** Duration of the last attempt. */
  responseMs: number | null;
  /** Start of the last response body, masked, at most 512 bytes of UTF-8. */
  responseExcerpt: string;
  /** The Retry-After that stopped a rate_limited delivery, otherwise the last one seen. */
  retryAfterSeconds?: number;
  /** Seconds waited before each retry. */
  waits: number[];
  /** The signature of the last attempt (each attempt is signed with its own timestamp). */
  signature?: WebhookSignature;
  /** Lower-case hex SHA-256 of the exact body bytes sent. */
  bodySha256: string;
}
