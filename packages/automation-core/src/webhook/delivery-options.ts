import { count, envName, positive, seconds } from '../command-line/option-kit.js';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_AFTER_SECONDS,
  DEFAULT_RETRY_WAIT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
} from './defaults.js';

/**
 * The webhook client's settings as a job's options, declared once for every job that delivers
 * a webhook, with the client's own defaults. `envs` names the job's variables (see the job
 * registry's `webhook`).
 */
export function webhookDeliveryOptions(envs: { urlEnv: string; secretEnv: string }) {
  return {
    webhookUrlEnv: envName('environment variable holding the webhook URL', {
      value: '<name>',
      default: envs.urlEnv,
      secretEnv: true,
    }),
    webhookSecretEnv: envName('environment variable holding the signing secret', {
      value: '<name>',
      default: envs.secretEnv,
      secretEnv: true,
    }),
    maxRetries: count('retries after the first attempt', { default: DEFAULT_MAX_RETRIES }),
    retryWaitSeconds: seconds('base of the exponential backoff between attempts', {
      default: DEFAULT_RETRY_WAIT_SECONDS,
    }),
    timeoutSeconds: positive('timeout of one attempt', { value: '<s>', default: DEFAULT_TIMEOUT_SECONDS }),
    maxRetryAfterSeconds: seconds('a Retry-After asking for longer stops the delivery as rate_limited', {
      default: DEFAULT_MAX_RETRY_AFTER_SECONDS,
    }),
  };
}
