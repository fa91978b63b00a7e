import { createHmac } from 'node:crypto';
import type { WebhookSignature } from './types.js';

export const STANDARD_SECRET_PREFIX = 'whsec_';

/** `X-OBS-Signature`: HMAC-SHA256 keyed with the secret's UTF-8 bytes, over the body. */
export function obsSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The Standard Webhooks key. A `whsec_<base64>` secret is decoded as that spec prescribes, so
 * off-the-shelf verifiers accept it; any other secret is used as its UTF-8 bytes, the same key
 * X-OBS-Signature uses, so one configured secret serves both schemes.
 */
export function standardWebhookKey(secret: string): Buffer {
  if (!secret.startsWith(STANDARD_SECRET_PREFIX)) return Buffer.from(secret, 'utf8');
  const encoded = secret.slice(STANDARD_SECRET_PREFIX.length);
  const key = Buffer.from(encoded, 'base64');
  // Node decodes malformed base64 leniently; a receiver's library would not, so refuse it here.
  if (key.length === 0 || key.toString('base64') !== encoded) {
    throw new TypeError('webhook secret starts with whsec_ but the rest is not valid base64');
  }
  return key;
}

/** `webhook-signature`: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
export function standardWebhookSignature(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: Buffer | string,
): string {
  const mac = createHmac('sha256', standardWebhookKey(secret))
    .update(`${id}.${timestampSeconds}.`)
    .update(body)
    .digest('base64');
  return `v1,${mac}`;
}

export function signWebhook(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: Buffer | string,
): WebhookSignature {
  return {
    algorithm: 'hmac-sha256',
    obsSignature: obsSignature(secret, body),
    webhookId,
    webhookTimestamp: timestampSeconds,
    webhookSignature: standardWebhookSignature(secret, webhookId, timestampSeconds, body),
  };
}

export function signatureHeaders(signature: WebhookSignature): Record<string, string> {
  return {
    'x-obs-signature': signature.obsSignature,
    'webhook-id': signature.webhookId,
    'webhook-timestamp': String(signature.webhookTimestamp),
    'webhook-signature': signature.webhookSignature,
  };
}
