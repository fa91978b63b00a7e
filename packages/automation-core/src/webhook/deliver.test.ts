import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json.js';
import { startWebhookTestServer, type WebhookTestServer } from '../test-support/webhook-test-server.js';
import { deliverWebhook } from './deliver.js';
import type { WebhookRequest } from './types.js';

const NOW = new Date('2025-01-06T12:00:00.000Z');
const PAYLOAD = { week: '2025-W02', kpis: { sharpe: 1.25, turnover: 0.5 }, note: 'Ünïcode €' };

let server: WebhookTestServer;
let slept: number[];

beforeEach(async () => {
  server = await startWebhookTestServer({ path: '/hooks/T0KEN-in-path?key=query-secret' });
  slept = [];
});

afterEach(async () => {
  await server.close();
});

function delivery(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url: server.url,
    body: PAYLOAD,
    messageId: '20250106T120000Z-weekly:2025-W02',
    sleep: async (ms) => {
      slept.push(ms);
    },
    now: () => NOW,
    random: () => 0.5,
    ...overrides,
  };
}

describe('deliverWebhook', () => {
  it('posts the canonical JSON with the content type and user agent', async () => {
    const result = await deliverWebhook(
      delivery({ userAgentVersion: '1.2.3', headers: { 'X-Trace': 'abc' } }),
    );

    expect(result).toMatchObject({ ok: true, outcome: 'ok', attempts: 1, statusCode: 200, waits: [] });
    expect(result.errorCode).toBeUndefined();
    expect(result.signature).toBeUndefined();
    expect(result.responseMs).toBeGreaterThanOrEqual(0);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.body.toString('utf8')).toBe(canonicalJson(PAYLOAD));
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('obs-automation/1.2.3');
    expect(request?.headers['x-trace']).toBe('abc');
    expect(request?.headers['x-obs-signature']).toBeUndefined();
    expect(result.bodySha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("defaults the user agent to the core package's version", async () => {
    await deliverWebhook(delivery());
    expect(server.requests[0]?.headers['user-agent']).toMatch(/^obs-automation\/\d+\.\d+\.\d+/);
  });

  it.each([
    ['a plain secret', 'plain-signing-secret-value'],
    ['a whsec_ secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  ])('signs with %s so that the receiver can verify both signatures', async (_label, secret) => {
    const result = await deliverWebhook(delivery({ secret }));

    const [request] = server.requests;
    if (!request) throw new Error('no request received');
    expect(server.verifySignatures(request, secret)).toEqual({ obsSignature: true, standardSignature: true });
    expect(server.verifySignatures(request, `wrong-${secret}`)).toEqual({
      obsSignature: false,
      standardSignature: false,
    });
    expect(request.body.toString('utf8')).toBe(canonicalJson(PAYLOAD));
    expect(request.headers['webhook-id']).toBe('20250106T120000Z-weekly:2025-W02');
    expect(request.headers['webhook-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(result.signature).toEqual({
      algorithm: 'hmac-sha256',
      obsSignature: request.headers['x-obs-signature'],
      webhookId: '20250106T120000Z-weekly:2025-W02',
      webhookTimestamp: NOW.getTime() / 1000,
      webhookSignature: request.headers['webhook-signature'],
    });
  });

  it('re-signs every attempt with a fresh timestamp and the same message id', async () => {
    server.enqueue({ status: 500 });
    let tick = 0;
    const result = await deliverWebhook(
      delivery({ secret: 'rotating-clock-secret', now: () => new Date(NOW.getTime() + 1000 * tick++) }),
    );

    expect(result.ok).toBe(true);
    const [first, second] = server.requests;
    if (!first || !second) throw new Error('expected two requests');
    expect(first.headers['webhook-timestamp']).not.toBe(second.headers['webhook-timestamp']);
    expect(first.headers['webhook-id']).toBe(second.headers['webhook-id']);
    for (const request of [first, second]) {
      expect(server.verifySignatures(request, 'rotating-clock-secret').standardSignature).toBe(true);
    }
  });

  it('retries 5xx with exponential backoff until it succeeds', async () => {
    server.enqueue({ status: 500 }, { status: 502 });
    const result = await deliverWebhook(delivery());

    expect(result).toMatchObject({ ok: true, outcome: 'ok', attempts: 3, statusCode: 200, waits: [60, 120] });
    expect(slept).toEqual([60_000, 120_000]);
    expect(server.requests).toHaveLength(3);
  });

  it('retries 408', async () => {
    server.enqueue({ status: 408 });
    const result = await deliverWebhook(delivery({ retryWaitSeconds: 1 }));
    expect(result).toMatchObject({ ok: true, attempts: 2, waits: [1] });
  });

  it('waits as long as a delta-seconds Retry-After says', async () => {
    server.enqueue({ status: 429, headers: { 'Retry-After': '2' } });
    const result = await deliverWebhook(delivery());

    expect(result).toMatchObject({ ok: true, attempts: 2, waits: [2], retryAfterSeconds: 2 });
    expect(slept).toEqual([2000]);
  });

  it('waits until an HTTP-date Retry-After', async () => {
    const at = new Date(NOW.getTime() + 5000).toUTCString();
    server.enqueue({ status: 503, headers: { 'Retry-After': at } });
    const result = await deliverWebhook(delivery());

    expect(result.ok).toBe(true);
    expect(result.waits).toHaveLength(1);
    expect(result.waits[0]).toBeCloseTo(5, 0);
  });

  it('ignores Retry-After on statuses it has no meaning for', async () => {
    server.enqueue({ status: 500, headers: { 'Retry-After': '7' } });
    const result = await deliverWebhook(delivery());
    expect(result.waits).toEqual([60]);
  });

  it('stops as rate_limited when Retry-After exceeds the allowed maximum', async () => {
    server.enqueue({ status: 429, headers: { 'Retry-After': '7200' } });
    const result = await deliverWebhook(delivery({ maxRetryAfterSeconds: 3600 }));

    expect(result).toMatchObject({
      ok: false,
      outcome: 'rate_limited',
      errorCode: 'rate_limited',
      retryAfterSeconds: 7200,
      attempts: 1,
      statusCode: 429,
      waits: [],
    });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a server that never answers, retries, then fails', async () => {
    server.enqueue('hang', 'hang', 'hang');
    const result = await deliverWebhook(
      delivery({ timeoutSeconds: 0.3, maxRetries: 2, retryWaitSeconds: 1 }),
    );

    expect(result).toMatchObject({
      ok: false,
      outcome: 'webhook_failed',
      errorCode: 'webhook_failed',
      attempts: 3,
      statusCode: null,
      responseExcerpt: '',
      waits: [1, 2],
    });
    expect(result.errorMessage).toContain('timed out after 0.3 s');
    expect(result.responseMs).toBeGreaterThanOrEqual(250);
    expect(server.requests).toHaveLength(3);
  });

  it('retries network errors', async () => {
    const port = await unusedPort();
    const result = await deliverWebhook(delivery({ url: `http://127.0.0.1:${port}/hook`, maxRetries: 1 }));

    expect(result).toMatchObject({ ok: false, outcome: 'webhook_failed', attempts: 2, statusCode: null });
    expect(result.errorMessage).toMatch(/ECONNREFUSED/);
  });

  it('fails after maxRetries + 1 attempts of 5xx', async () => {
    server.enqueue({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const result = await deliverWebhook(delivery());

    expect(result).toMatchObject({
      outcome: 'webhook_failed',
      attempts: 4,
      statusCode: 500,
      waits: [60, 120, 240],
    });
  });

  it.each([401, 403])('reports %d as auth_failed without retrying', async (status) => {
    server.enqueue({ status });
    const result = await deliverWebhook(delivery());

    expect(result).toMatchObject({
      ok: false,
      outcome: 'auth_failed',
      errorCode: 'auth_failed',
      attempts: 1,
      statusCode: status,
    });
    expect(server.requests).toHaveLength(1);
  });

  it.each([400, 404, 422])('reports %d as webhook_rejected without retrying', async (status) => {
    server.enqueue({ status, body: 'bad payload' });
    const result = await deliverWebhook(delivery());

    expect(result).toMatchObject({ outcome: 'webhook_rejected', errorCode: 'webhook_rejected', attempts: 1 });
    expect(result.responseExcerpt).toBe('bad payload');
    expect(server.requests).toHaveLength(1);
  });

  it('never exposes the secret, the URL path, or personal data the server echoes back', async () => {
    const secret = 'super-secret-signing-key-42';
    const echo = JSON.stringify({
      received_secret: secret,
      contact: 'trader@example.com',
      header: `Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789`,
      url: server.url,
    });
    server.enqueue({ status: 400, body: echo });
    const result = await deliverWebhook(delivery({ secret }));

    const serialised = JSON.stringify(result);
    expect(serialised).not.toContain(secret);
    expect(serialised).not.toContain('trader@example.com');
    expect(serialised).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
    expect(serialised).not.toContain('T0KEN-in-path');
    expect(serialised).not.toContain('query-secret');
    expect(result.errorMessage).toContain('http://127.0.0.1:');
    expect(result.errorMessage).toContain('/…');
    expect(result.responseExcerpt).toContain('***');
  });

  it('reads at most a bounded prefix of a large response and keeps a 512-byte excerpt', async () => {
    server.enqueue({ status: 500, body: 'é'.repeat(1_000_000) });
    const result = await deliverWebhook(delivery({ maxRetries: 0 }));

    expect(result.outcome).toBe('webhook_failed');
    expect(Buffer.byteLength(result.responseExcerpt)).toBe(512);
  });

  it('rejects with the reason when aborted during the wait before a retry', async () => {
    server.enqueue({ status: 500 });
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const pending = deliverWebhook(
      delivery({ signal: controller.signal, sleep: undefined, retryWaitSeconds: 60 }),
    );
    setTimeout(() => controller.abort(reason), 200);
    const started = Date.now();

    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects promptly even when the injected sleep ignores the signal', async () => {
    server.enqueue({ status: 500 });
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const pending = deliverWebhook(
      delivery({
        signal: controller.signal,
        sleep: () => {
          controller.abort(reason);
          return new Promise<void>(() => {});
        },
      }),
    );

    await expect(pending).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects with the reason when aborted while a request is in flight', async () => {
    server.enqueue('hang');
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const pending = deliverWebhook(delivery({ signal: controller.signal, timeoutSeconds: 30 }));
    setTimeout(() => controller.abort(reason), 100);

    await expect(pending).rejects.toBe(reason);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const reason = new Error('interrupted');
    await expect(deliverWebhook(delivery({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects invalid options without echoing the URL', async () => {
    await expect(deliverWebhook(delivery({ url: 'not a url/secret-path' }))).rejects.toThrow(
      /^webhook URL is not a valid URL$/,
    );
    await expect(deliverWebhook(delivery({ url: 'ftp://example.com/x' }))).rejects.toThrow(TypeError);
    await expect(deliverWebhook(delivery({ secret: '' }))).rejects.toThrow(/secret is empty/);
    await expect(deliverWebhook(delivery({ secret: 'whsec_not base64!' }))).rejects.toThrow(
      /not valid base64/,
    );
    await expect(deliverWebhook(delivery({ timeoutSeconds: 0 }))).rejects.toThrow(RangeError);
    await expect(deliverWebhook(delivery({ maxRetries: 1.5 }))).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });
});

async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
