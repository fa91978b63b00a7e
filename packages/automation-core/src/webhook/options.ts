import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_AFTER_SECONDS,
  DEFAULT_RETRY_WAIT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
} from './defaults.js';
import { STANDARD_SECRET_PREFIX, standardWebhookKey } from './signing.js';
import { realSleep } from './sleep.js';
import type { Sleep, WebhookRequest } from './types.js';
import { userAgent } from './user-agent.js';

const SENSITIVE_HEADER = /auth|token|secret|key|cookie|signature/i;

export interface DeliveryOptions {
  timeoutMs: number;
  maxRetries: number;
  retryWaitSeconds: number;
  maxRetryAfterSeconds: number;
  userAgent: string;
  sleep: Sleep;
  now: () => Date;
  random: () => number;
  /** Values that must never reach the result: the secret, the URL and its path, credential headers. */
  sensitiveValues: string[];
}

/** Applies defaults and rejects option values that could only be programming or config errors. */
export function resolveOptions(request: WebhookRequest): DeliveryOptions {
  const url = parseWebhookUrl(request.url);
  if (request.secret === '') throw new TypeError('webhook secret is empty');
  if (request.secret !== undefined) standardWebhookKey(request.secret);
  const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  requireNumber('timeoutSeconds', timeoutSeconds, { positive: true });
  const maxRetries = request.maxRetries ?? DEFAULT_MAX_RETRIES;
  requireNumber('maxRetries', maxRetries, { integer: true });
  const retryWaitSeconds = request.retryWaitSeconds ?? DEFAULT_RETRY_WAIT_SECONDS;
  requireNumber('retryWaitSeconds', retryWaitSeconds, {});
  const maxRetryAfterSeconds = request.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS;
  requireNumber('maxRetryAfterSeconds', maxRetryAfterSeconds, {});
  return {
    timeoutMs: Math.round(timeoutSeconds * 1000),
    maxRetries,
    retryWaitSeconds,
    maxRetryAfterSeconds,
    userAgent: userAgent(request.userAgentVersion),
    sleep: request.sleep ?? realSleep,
    now: request.now ?? (() => new Date()),
    random: request.random ?? Math.random,
    sensitiveValues: sensitiveValues(request, url),
  };
}

/** The URL the webhook client will post to; a TypeError (never quoting the value) when it cannot. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError('webhook URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`webhook URL must use http or https, not ${url.protocol}`);
  }
  return url;
}

function requireNumber(name: string, value: number, rules: { positive?: boolean; integer?: boolean }): void {
  const valid =
    Number.isFinite(value) &&
    (rules.positive ? value > 0 : value >= 0) &&
    (!rules.integer || Number.isInteger(value));
  if (!valid) {
    const expected = rules.integer
      ? 'a non-negative integer'
      : rules.positive
        ? 'a positive number'
        : 'a non-negative number';
    throw new RangeError(`webhook ${name} must be ${expected}, got ${value}`);
  }
}

function sensitiveValues(request: WebhookRequest, url: URL): string[] {
  const values = [request.url, url.href, `${url.pathname}${url.search}`, url.pathname, url.search];
  if (url.username) values.push(url.username);
  if (url.password) values.push(url.password);
  if (request.secret !== undefined) {
    values.push(request.secret);
    if (request.secret.startsWith(STANDARD_SECRET_PREFIX)) {
      values.push(request.secret.slice(STANDARD_SECRET_PREFIX.length));
    }
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (SENSITIVE_HEADER.test(name)) values.push(value);
  }
  return values.filter((value) => value !== '' && value !== '/');
}
