import { DOT, MINUS, NINE, PLUS, skipBlanks, trimBlanksEnd, ZERO } from './ascii-bytes.js';

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// Below 2^53 a digit string is an exact integer and 10^k (k ≤ 22) an exact power, so one
// division gives the correctly rounded value, exactly what Number() returns.
const MAX_EXACT_MANTISSA = 2 ** 53;
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses a plain decimal number (optional sign, digits, optional fraction, optional exponent;
 * surrounding blanks allowed) from bytes. Returns NaN for anything else — empty text, `NaN`,
 * `Infinity`, hex, trailing garbage — and for values that overflow to infinity.
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  const from = skipBlanks(bytes, start, end);
  const to = trimBlanksEnd(bytes, from, end);
  if (from === to) return Number.NaN;
  let index = from;
  let negative = false;
  const first = bytes[index] as number;
  if (first === PLUS || first === MINUS) {
    negative = first === MINUS;
    index += 1;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let seenDot = false;
  for (; index < to; index += 1) {
    const byte = bytes[index] as number;
    if (byte >= ZERO && byte <= NINE) {
      mantissa = mantissa * 10 + (byte - ZERO);
      digits += 1;
      if (seenDot) fractionDigits += 1;
      if (mantissa >= MAX_EXACT_MANTISSA) return parseDecimalSlow(bytes, from, to);
    } else if (byte === DOT && !seenDot) {
      seenDot = true;
    } else {
      return parseDecimalSlow(bytes, from, to);
    }
  }
  if (digits === 0 || fractionDigits >= POWERS_OF_TEN.length) return parseDecimalSlow(bytes, from, to);
  const value = mantissa / (POWERS_OF_TEN[fractionDigits] as number);
  return negative ? -value : value;
}

function parseDecimalSlow(bytes: Uint8Array, from: number, to: number): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
  if (!DECIMAL_TEXT.test(text)) return Number.NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/** parseDecimal for text. */
export function parseDecimalText(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return parseDecimal(bytes, 0, bytes.length);
}
