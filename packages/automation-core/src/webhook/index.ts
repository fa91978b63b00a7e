export { backoffSeconds, MAX_BACKOFF_SECONDS } from './backoff.js';
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_AFTER_SECONDS,
  DEFAULT_RETRY_WAIT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  DEFAULT_WEBHOOK_SECRET_ENV,
} from './defaults.js';
export { deliverWebhook } from './deliver.js';
export { webhookDeliveryOptions } from './delivery-options.js';
export { parseWebhookUrl } from './options.js';
export { parseRetryAfter } from './retry-after.js';
export { obsSignature, signWebhook, standardWebhookKey, standardWebhookSignature } from './signing.js';
export type {
  Sleep,
  WebhookErrorCode,
  WebhookOutcome,
  WebhookRequest,
  WebhookResult,
  WebhookSignature,
} from './types.js';
export { coreVersion, userAgent } from './user-agent.js';
