import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Recomputes X-OBS-Signature and the Standard Webhooks `webhook-signature` of a received request
 * from its raw body with our own HMAC code (independent of the client's) and compares them.
 * Plain ESM so the webhook test server and the soak tool (scripts/soak/) share it.
 */
export function verifyWebhookSignatures(headers, body, secret) {
  const obsExpected = `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex')}`;
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const key = secret.startsWith('whsec_')
    ? Buffer.from(secret.slice(6), 'base64')
    : Buffer.from(secret, 'utf8');
  const signedContent = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
  const standardExpected = createHmac('sha256', key).update(signedContent).digest('base64');
  // The header may list several space-separated `v1,<sig>` entries (key rotation).
  const offered = header(headers, 'webhook-signature')
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  return {
    obsSignature: constantTimeEqual(header(headers, 'x-obs-signature'), obsExpected),
    standardSignature:
      id !== '' && offered.some((candidate) => constantTimeEqual(candidate, standardExpected)),
  };
}

/** A header's first value, '' when absent. */
export function header(headers, name) {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function constantTimeEqual(a, b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
