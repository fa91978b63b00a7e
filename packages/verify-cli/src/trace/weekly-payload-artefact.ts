import {
  canonicalJson,
  JobError,
  obsSignature,
  parseJsonBounded,
  quoteUntrusted,
  readBoundedText,
  sha256Hex,
} from '@obs-automation/core';
import { isRecord } from './json-files.js';
import { type ListedPath, sameChecksum, type TraceContext } from './trace-context.js';

export const PAYLOAD_CHECKSUM_FIELD = 'payload_checksum_sha256';
const LEGACY_SIGNATURE = /^(sha256=)?[0-9a-fA-F]{64}$/;

/** Upper-case hex SHA-256 of the canonical JSON (RFC 8785) of the payload without its checksum field. */
export function payloadChecksum(payload: Record<string, unknown>): string {
  const { [PAYLOAD_CHECKSUM_FIELD]: _checksum, ...content } = payload;
  return sha256Hex(canonicalJson(content)).toUpperCase();
}

export function hasPayloadChecksum(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof value[PAYLOAD_CHECKSUM_FIELD] === 'string';
}

/** The signature record's text, or null when absent; a link, FIFO or oversized file is reported. */
async function readSignature(context: TraceContext, path: string, shown: string): Promise<string | null> {
  try {
    return await readBoundedText(path, { kind: 'signature', shown, what: 'signature' });
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    context.fail('invalid_input', error.message);
    return null;
  }
}

function parsedRecord(text: string, shown: string): unknown {
  try {
    return parseJsonBounded(text, { what: 'signature', file: shown });
  } catch (error) {
    if (error instanceof JobError) return null;
    throw error;
  }
}

/**
 * The `.sig` beside a delivered payload: its payload checksum must match, and with the signing
 * secret set its X-OBS-Signature is recomputed over the canonical body. The earlier tooling's
 * bare-hex signatures cannot be tied to a body format and are only noted.
 */
async function verifySignature(
  context: TraceContext,
  signature: ListedPath,
  payload: Record<string, unknown>,
) {
  const shown = context.display(signature.lexical);
  const text = await readSignature(context, signature.real, shown);
  if (text === null) return;
  const record = parsedRecord(text, shown);
  if (!isRecord(record)) {
    context.note({
      path: shown,
      kind: 'weekly_signature',
      result: 'not_checked',
      note: LEGACY_SIGNATURE.test(text.trim())
        ? 'bare-hex signature of the earlier tooling'
        : 'not a signature record',
    });
    return;
  }
  if (!sameChecksum(record[PAYLOAD_CHECKSUM_FIELD], payload[PAYLOAD_CHECKSUM_FIELD])) {
    context.fail(
      'checksum_mismatch',
      `${shown}: ${PAYLOAD_CHECKSUM_FIELD} ${quoteUntrusted(String(record[PAYLOAD_CHECKSUM_FIELD]))} differs from the payload's ${quoteUntrusted(String(payload[PAYLOAD_CHECKSUM_FIELD]))}`,
    );
  }
  if (context.signingSecret === undefined) {
    context.note({
      path: shown,
      kind: 'weekly_signature',
      result: 'not_checked',
      note: 'signing secret not set',
    });
    return;
  }
  const expected = obsSignature(context.signingSecret, canonicalJson(payload));
  if (record.signature === expected) {
    context.note({ path: shown, kind: 'weekly_signature', result: 'verified' });
    return;
  }
  context.fail(
    'signature_mismatch',
    `${shown}: the signature does not match the payload and the signing secret`,
  );
  context.note({ path: shown, kind: 'weekly_signature', result: 'mismatch' });
}

/** Recomputes a weekly payload's checksum and checks the signature record beside it. */
export async function verifyWeeklyPayload(
  context: TraceContext,
  payloadFile: ListedPath,
  payload: Record<string, unknown>,
): Promise<void> {
  const shown = context.display(payloadFile.lexical);
  const recorded = payload[PAYLOAD_CHECKSUM_FIELD];
  const actual = payloadChecksum(payload);
  if (sameChecksum(actual, recorded)) {
    context.note({ path: shown, kind: 'weekly_payload', result: 'verified' });
  } else {
    context.fail(
      'checksum_mismatch',
      `${shown}: the payload's canonical SHA-256 ${actual} differs from its ${PAYLOAD_CHECKSUM_FIELD} ${quoteUntrusted(String(recorded))}`,
    );
    context.note({ path: shown, kind: 'weekly_payload', result: 'mismatch' });
  }
  if (payloadFile.lexical.endsWith('.json')) {
    const beside = (path: string) => path.replace(/\.json$/, '.sig');
    await verifySignature(
      context,
      { real: beside(payloadFile.real), lexical: beside(payloadFile.lexical), exists: true },
      payload,
    );
  }
}
