import { readFile } from 'node:fs/promises';
import { canonicalJson, obsSignature, sha256Hex } from '@obs-automation/core';
import { isRecord } from './json-files.js';
import { sameChecksum, type TraceContext } from './trace-context.js';

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

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
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
  signaturePath: string,
  payload: Record<string, unknown>,
) {
  const shown = context.display(signaturePath);
  const text = await readIfPresent(signaturePath);
  if (text === null) return;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    record = null;
  }
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
      `${shown}: ${PAYLOAD_CHECKSUM_FIELD} ${String(record[PAYLOAD_CHECKSUM_FIELD])} differs from the payload's ${String(payload[PAYLOAD_CHECKSUM_FIELD])}`,
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
  payloadPath: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const shown = context.display(payloadPath);
  const recorded = payload[PAYLOAD_CHECKSUM_FIELD];
  const actual = payloadChecksum(payload);
  if (sameChecksum(actual, recorded)) {
    context.note({ path: shown, kind: 'weekly_payload', result: 'verified' });
  } else {
    context.fail(
      'checksum_mismatch',
      `${shown}: the payload's canonical SHA-256 ${actual} differs from its ${PAYLOAD_CHECKSUM_FIELD} ${String(recorded)}`,
    );
    context.note({ path: shown, kind: 'weekly_payload', result: 'mismatch' });
  }
  if (payloadPath.endsWith('.json'))
    await verifySignature(context, payloadPath.replace(/\.json$/, '.sig'), payload);
}
