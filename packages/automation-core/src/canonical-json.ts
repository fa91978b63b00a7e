/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the byte-exact JSON every checksum and signature is
 * computed over, so that a receiver in any language can recompute it.
 */

const LONE_SURROGATE = /\p{Surrogate}/u;

export function canonicalJson(value: unknown): string {
  const text = serialize(value, '', new Set());
  if (text === undefined) throw new TypeError(`canonicalJson: ${describe(value)} is not a JSON value`);
  return text;
}

export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Returns undefined for values JSON has no text for (undefined, functions, symbols). */
function serialize(input: unknown, key: string, ancestors: Set<object>): string | undefined {
  const value = applyToJson(input, key);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a finite number`);
      // ECMAScript Number::toString is exactly the number serialisation RFC 8785 prescribes.
      return JSON.stringify(value);
    case 'string':
      return serializeString(value);
    case 'object':
      return serializeContainer(value, ancestors);
    case 'bigint':
      throw new TypeError('canonicalJson: bigint values are not JSON numbers');
    default:
      return undefined;
  }
}

function applyToJson(value: unknown, key: string): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return (value as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  return value;
}

function serializeString(value: string): string {
  // RFC 8785 §3.2.2.2: lone surrogates would make signatures non-portable, so they are an error.
  if (LONE_SURROGATE.test(value)) throw new TypeError('canonicalJson: string contains a lone surrogate');
  return JSON.stringify(value);
}

function serializeContainer(value: object, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new TypeError('canonicalJson: value contains a cycle');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item, index) => serialize(item, String(index), ancestors) ?? 'null');
      return `[${items.join(',')}]`;
    }
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const name of Object.keys(record).sort(compareCodeUnits)) {
      const member = serialize(record[name], name, ancestors);
      if (member !== undefined) members.push(`${serializeString(name)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

/** Relational comparison of strings compares UTF-16 code units, the order RFC 8785 §3.2.3 requires. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : typeof value;
}
