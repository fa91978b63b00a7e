import { sha256Hex } from '@obs-automation/core';
import type { HashedInput } from './input-files.js';

/**
 * SHA-256 over the inputs a dataset was built from: the JSON text of the `[path, sha256]` pairs
 * sorted by path. JSON keeps the encoding unambiguous whatever characters a path holds, and any
 * language can recompute it.
 */
export function sourceHash(inputs: readonly HashedInput[]): string {
  const pairs = inputs
    .map((input) => [input.path, input.sha256] as const)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return sha256Hex(JSON.stringify(pairs));
}
