import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { commonJsExports } from '../commonjs-import.js';

/** Only the start of a response is kept: the excerpt is 512 bytes, the rest is discarded unread. */
export const RESPONSE_READ_LIMIT_BYTES = 16 * 1024;

const UNDICI_TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

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
 * One POST with its own timeout. Network errors and timeouts are returned, not thrown; only the
 * caller's abort propagates, as the signal's reason.
 */
export async function sendAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  try {
    // Loaded on first use: undici costs ~80 ms of start-up that runs without a webhook never need.
    const { request } = commonJsExports(await import('undici'));
    const response = await request(input.url, {
      method: 'POST',
      headers: input.headers,
      body: input.body,
      signal,
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
    });
    const text = await readPrefix(response.body, RESPONSE_READ_LIMIT_BYTES);
    input.signal?.throwIfAborted();
    return {
      kind: 'response',
      statusCode: response.statusCode,
      headers: response.headers,
      text,
      durationMs: elapsed(),
    };
  } catch (error) {
    input.signal?.throwIfAborted();
    const timedOut = timeout.aborted || UNDICI_TIMEOUT_CODES.has(errorCode(error) ?? '');
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
