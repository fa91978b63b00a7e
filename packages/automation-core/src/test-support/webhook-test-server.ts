import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SignatureCheck, verifyWebhookSignatures } from './webhook-signatures.mjs';

/**
 * A real HTTP server on 127.0.0.1 for webhook tests: it records every request, answers from a
 * scripted queue, and verifies signatures with its own HMAC code (independent of the client's).
 */

export type ScriptedResponse =
  | { status: number; headers?: Record<string, string>; body?: string | Buffer }
  /** Read the request, then never answer. */
  | 'hang';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WebhookTestServer {
  /** Base URL plus the configured path, e.g. `http://127.0.0.1:41234/hooks/weekly`. */
  url: string;
  requests: RecordedRequest[];
  /** Responses used in order; once the queue is empty the default response answers. */
  enqueue(...responses: ScriptedResponse[]): void;
  verifySignatures(request: RecordedRequest, secret: string): SignatureCheck;
  close(): Promise<void>;
}

export type { SignatureCheck };

export interface WebhookTestServerOptions {
  path?: string;
  defaultResponse?: ScriptedResponse;
}

export async function startWebhookTestServer(
  options: WebhookTestServerOptions = {},
): Promise<WebhookTestServer> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedResponse[] = [];
  const defaultResponse = options.defaultResponse ?? { status: 200, body: '{"ok":true}' };

  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        answer(res, queue.shift() ?? defaultResponse);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/webhook'}`,
    requests,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    verifySignatures,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Recomputes X-OBS-Signature and webhook-signature from the raw body and compares them. */
export function verifySignatures(request: RecordedRequest, secret: string): SignatureCheck {
  return verifyWebhookSignatures(request.headers, request.body, secret);
}

function answer(res: ServerResponse, response: ScriptedResponse): void {
  if (response === 'hang') return;
  res.writeHead(response.status, response.headers);
  res.end(response.body ?? '');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
