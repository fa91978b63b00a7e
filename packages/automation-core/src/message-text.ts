/** How many characters of an untrusted value a message shows. */
export const MAX_QUOTED_CHARS = 120;

// Beyond what JSON.stringify escapes: DEL and C1 controls, bidirectional overrides and invisible
// separators, which can make a terminal or a log viewer show something other than the bytes.
const INVISIBLE_OR_CONTROL =
  /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeChar(char: string): string {
  return `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`;
}

/**
 * A value read from a workspace file, made safe for a message: JSON-escaped (control characters,
 * quotes, backslashes, lone surrogates and invisible formatting characters written as escapes)
 * and cut to `maxChars` characters, without the surrounding quotes.
 */
export function escapeUntrusted(value: string, maxChars: number = MAX_QUOTED_CHARS): string {
  return escapedAndCut(value, maxChars, (kept) =>
    JSON.stringify(kept).slice(1, -1).replace(INVISIBLE_OR_CONTROL, escapeChar),
  );
}

/** The first `maxChars` characters escaped, with `…` when the value was longer. */
function escapedAndCut(value: string, maxChars: number, escapeKept: (kept: string) => string): string {
  // Slicing first keeps the cost bounded for a value of any length.
  const characters = Array.from(value.slice(0, maxChars * 2 + 2));
  const cut = characters.length > maxChars;
  const escaped = escapeKept(cut ? characters.slice(0, maxChars).join('') : characters.join(''));
  return cut ? `${escaped}…` : escaped;
}

const INVISIBLE_OR_CONTROL_CHAR = new RegExp(`^${INVISIBLE_OR_CONTROL.source}$`);

/** What a message read back may not carry to a terminal: a C0 control, a lone surrogate, or one of the above. */
function unsafeInText(char: string): boolean {
  const code = char.codePointAt(0) as number;
  return code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || INVISIBLE_OR_CONTROL_CHAR.test(char);
}

// Every code point but printable ASCII (a surrogate pair is one code point under the u flag).
const BEYOND_PRINTABLE_ASCII = /[^\u0020-\u007e]/gu;

/**
 * Free text read from a workspace file (a run's error message), made safe to print as prose:
 * controls, invisible formatting characters and lone surrogates written as `\uXXXX`, cut to
 * `maxChars` characters. Quotes and backslashes stay as they are: the text is not shown inside
 * quotes, and the messages it comes from quote the paths they name.
 */
export function escapeUntrustedText(value: string, maxChars: number = MAX_QUOTED_CHARS): string {
  return escapedAndCut(value, maxChars, (kept) =>
    kept.replace(BEYOND_PRINTABLE_ASCII, (char) => (unsafeInText(char) ? escapeChar(char) : char)),
  );
}

/** escapeUntrusted in double quotes, e.g. `"../../etc/passwd"`; a cut value ends in `…` inside them. */
export function quoteUntrusted(value: string, maxChars: number = MAX_QUOTED_CHARS): string {
  return `"${escapeUntrusted(value, maxChars)}"`;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character, keeping the start. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the character that would be split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** Keeps at most the last `maxBytes` of UTF-8 without splitting a character. */
export function tailUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - maxBytes;
  // Step forward over continuation bytes to the start of the next whole character.
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}
