/** Bytes the field parsers look for, and the blanks (space, tab) they allow around a value. */
export const SPACE = 0x20;
export const TAB = 0x09;
export const ZERO = 0x30;
export const NINE = 0x39;
export const DOT = 0x2e;
export const PLUS = 0x2b;
/** also the date separator */
export const MINUS = 0x2d;
export const COLON = 0x3a;

export function isBlank(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB;
}

/** The first index in [from, to) that is not a blank, or `to`. */
export function skipBlanks(bytes: Uint8Array, from: number, to: number): number {
  let index = from;
  while (index < to && isBlank(bytes[index])) index += 1;
  return index;
}

/** The end of [from, to) without its trailing blanks. */
export function trimBlanksEnd(bytes: Uint8Array, from: number, to: number): number {
  let end = to;
  while (end > from && isBlank(bytes[end - 1])) end -= 1;
  return end;
}
