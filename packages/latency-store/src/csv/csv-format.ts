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

/** The inside of a quoted CSV field holding `bytes`: every quote doubled, nothing else changed. */
export function csvQuotedBytes(bytes: Uint8Array): Buffer {
  let quotes = 0;
  for (const byte of bytes) if (byte === QUOTE) quotes += 1;
  if (quotes === 0) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = Buffer.allocUnsafe(bytes.length + quotes);
  let position = 0;
  for (const byte of bytes) {
    out[position++] = byte;
    if (byte === QUOTE) out[position++] = QUOTE;
  }
  return out;
}
