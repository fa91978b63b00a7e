import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  obsSignature,
  signatureHeaders,
  signWebhook,
  standardWebhookKey,
  standardWebhookSignature,
} from './signing.js';

describe('obsSignature', () => {
  it('is the hex HMAC-SHA256 of the body keyed with the secret', () => {
    const expected = createHmac('sha256', 'shh').update('{"a":1}').digest('hex');
    expect(obsSignature('shh', '{"a":1}')).toBe(`sha256=${expected}`);
    expect(obsSignature('shh', Buffer.from('{"a":1}'))).toBe(`sha256=${expected}`);
  });
});

describe('standardWebhookSignature', () => {
  it('matches the Standard Webhooks reference vector for a whsec_ secret', () => {
    expect(
      standardWebhookSignature(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('refuses a whsec_ secret whose key is not canonical base64', () => {
    expect(() => standardWebhookKey('whsec_')).toThrow(TypeError);
    expect(() => standardWebhookKey('whsec_not base64!')).toThrow(TypeError);
    expect(() => standardWebhookKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwx')).toThrow(TypeError);
  });

  it('keys a secret without the whsec_ prefix with its UTF-8 bytes', () => {
    expect(standardWebhookKey('plain-secret')).toEqual(Buffer.from('plain-secret', 'utf8'));
    const expected = createHmac('sha256', 'plain-secret').update('id-1.1700000000.{}').digest('base64');
    expect(standardWebhookSignature('plain-secret', 'id-1', 1700000000, '{}')).toBe(`v1,${expected}`);
  });
});

describe('signWebhook', () => {
  it('bundles both signatures and renders them as headers', () => {
    const signature = signWebhook('shh', 'job:weekly', 1700000000, '{}');
    expect(signature).toEqual({
      algorithm: 'hmac-sha256',
      obsSignature: obsSignature('shh', '{}'),
      webhookId: 'job:weekly',
      webhookTimestamp: 1700000000,
      webhookSignature: standardWebhookSignature('shh', 'job:weekly', 1700000000, '{}'),
    });
    expect(signatureHeaders(signature)).toEqual({
      'x-obs-signature': signature.obsSignature,
      'webhook-id': 'job:weekly',
      'webhook-timestamp': '1700000000',
      'webhook-signature': signature.webhookSignature,
    });
  });
});
