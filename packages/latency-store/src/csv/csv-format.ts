const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, quoted (RFC 4180) only when it contains a comma, quote or line break. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvField).join(',');
}

const QUOTE = 0x22;

/** A CSV field holding arbitrary bytes unchanged (always quoted, quotes doubled). */
export function csvBytesField(bytes: Uint8Array): Buffer {
  let quotes = 0;
  for (const byte of bytes) if (byte === QUOTE) quotes += 1;
  const out = Buffer.allocUnsafe(bytes.length + quotes + 2);
  let position = 0;
  out[position++] = QUOTE;
  for (const byte of bytes) {
    out[position++] = byte;
    if (byte === QUOTE) out[position++] = QUOTE;
  }
  out[position] = QUOTE;
  return out;
}
