import { canonicalJson, sha256Hex } from '@obs-automation/core';

export const CHECKSUM_FIELD = 'payload_checksum_sha256';

/**
 * Upper-case hex SHA-256 of the RFC 8785 canonical JSON of a weekly payload without its
 * `payload_checksum_sha256` field: what the report carries and what a verifier recomputes.
 */
export function payloadChecksum(payload: Record<string, unknown>): string {
  const { [CHECKSUM_FIELD]: _ignored, ...content } = payload;
  return sha256Hex(canonicalJson(content)).toUpperCase();
}
