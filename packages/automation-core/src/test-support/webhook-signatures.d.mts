import type { IncomingHttpHeaders } from 'node:http';

export interface SignatureCheck {
  obsSignature: boolean;
  standardSignature: boolean;
}

export function verifyWebhookSignatures(
  headers: IncomingHttpHeaders,
  body: Buffer,
  secret: string,
): SignatureCheck;
export function header(headers: IncomingHttpHeaders, name: string): string;
