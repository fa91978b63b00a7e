/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the byte-exact JSON every checksum and signature is
 * computed over, so that a receiver in any language can recompute it.
 */

/** Thrown by the fast path for what only the recursive serialiser handles (or names). */
const NEEDS_RECURSIVE_PATH = Symbol('canonicalJson: recursive path');

export function canonicalJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, withSortedMembers);
    if (text !== undefined) return text;
  } catch {
    // The recursive serialiser below orders array-index keys and names what is wrong.
  }
  const text = serialize(value, '', []);
  if (text === undefined) throw new TypeError(`canonicalJson: ${describe(value)} is not a JSON value`);
  return text;
}

export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/**
 * The fast path: `JSON.stringify` writes strings and numbers exactly as RFC 8785 prescribes
 * (ECMAScript's own serialisation), so it only needs each plain object's members in UTF-16
 * code-unit order. An object whose keys are out of order is rebuilt sorted — unless it has
 * array-index keys, which JavaScript always lists first. Anything else JCS treats differently
 * (lone surrogates, non-finite numbers, objects that are not plain) goes to the recursive path.
 */
function withSortedMembers(this: unknown, _key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw NEEDS_RECURSIVE_PATH;
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw NEEDS_RECURSIVE_PATH;
      return value;
    case 'object':
      return value === null || Array.isArray(value) ? value : sortedMembers(value);
    default:
      return value;
  }
}

const ARRAY_INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

function sortedMembers(value: object): object {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw NEEDS_RECURSIVE_PATH;
  const keys = Object.keys(value);
  let ordered = true;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    if (!key.isWellFormed()) throw NEEDS_RECURSIVE_PATH;
    if (index > 0 && (keys[index - 1] as string) > key) ordered = false;
  }
  if (ordered) return value;
  const record = value as Record<string, unknown>;
  // no prototype: a `__proto__` member stays a member
  const sorted: Record<string, unknown> = Object.create(null);
  for (const key of keys.sort()) {
    if (ARRAY_INDEX_KEY.test(key)) throw NEEDS_RECURSIVE_PATH;
    sorted[key] = record[key];
  }
  return sorted;
}

/** Returns undefined for values JSON has no text for (undefined, functions, symbols). */
function serialize(input: unknown, key: string | number, ancestors: object[]): string | undefined {
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

function applyToJson(value: unknown, key: string | number): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return (value as { toJSON: (key: string) => unknown }).toJSON(String(key));
  }
  return value;
}

function serializeString(value: string): string {
  // RFC 8785 §3.2.2.2: lone surrogates would make signatures non-portable, so they are an error.
  if (!value.isWellFormed()) throw new TypeError('canonicalJson: string contains a lone surrogate');
  return JSON.stringify(value);
}

function serializeContainer(value: object, ancestors: object[]): string {
  if (ancestors.includes(value)) throw new TypeError('canonicalJson: value contains a cycle');
  ancestors.push(value);
  let text: string;
  if (Array.isArray(value)) {
    text = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ',';
      text += serialize(value[index], index, ancestors) ?? 'null';
    }
    text += ']';
  } else {
    const record = value as Record<string, unknown>;
    text = '{';
    // the default sort compares UTF-16 code units, the order RFC 8785 §3.2.3 requires
    for (const name of Object.keys(record).sort()) {
      const member = serialize(record[name], name, ancestors);
      if (member === undefined) continue;
      if (text.length > 1) text += ',';
      text += `${serializeString(name)}:${member}`;
    }
    text += '}';
  }
  ancestors.pop();
  return text;
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : typeof value;
}
