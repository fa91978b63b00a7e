import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/** Only the start of a response is kept: the excerpt is 512 bytes, the rest is discarded unread. */
export const RESPONSE_READ_LIMIT_BYTES = 16 * 1024;

export interface AttemptInput {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
}

export type AttemptOutcome =
  | { kind: 'response'; statusCode: number; headers: IncomingHttpHeaders; text: string; durationMs: number }
  | { kind: 'failure'; timedOut: boolean; message: string; durationMs: number };

/**
 * POSTs the body with Node's own HTTP client (loaded on first use) on a connection of its own,
 * closed after the answer: a run sends a few webhooks, so a pool would only keep sockets open.
 * Resolves at the response's status line; `signal` ends the request at any point.
 */
async function post(url: URL, input: AttemptInput, signal: AbortSignal): Promise<IncomingMessage> {
  // the scheme was checked with the options (parseWebhookUrl)
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: 'POST',
      headers: { ...input.headers, 'content-length': String(input.body.length) },
      agent: false,
      signal,
    });
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
    outgoing.end(input.body);
  });
}

/**
 * One POST with its own timeout, covering the connection, the response headers and the read of
 * the response's start. Network errors and timeouts are returned, not thrown; only the caller's
 * abort propagates, as the signal's reason.
 */
export async function sendAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    const response = await post(new URL(input.url), input, signal);
    const text = await readPrefix(response, RESPONSE_READ_LIMIT_BYTES);
    input.signal?.throwIfAborted();
    return {
      kind: 'response',
      statusCode: response.statusCode ?? 0,
      headers: response.headers,
      text,
      durationMs: elapsed(),
    };
  } catch (error) {
    input.signal?.throwIfAborted();
    const timedOut = timeout.aborted;
    const message = timedOut ? `timed out after ${input.timeoutMs / 1000} s` : describeError(error);
    return { kind: 'failure', timedOut, message, durationMs: elapsed() };
  }
}

/** Reads at most `limit` bytes and always destroys the body so the connection is released. */
async function readPrefix(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      size += buffer.length;
      if (size >= limit) break;
    }
  } catch {
    // The status line already decided the outcome; a body failing mid-stream only shortens the excerpt.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = errorCode(error);
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
