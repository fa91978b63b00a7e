/** Generators of the inputs a real system eventually produces, shared by every job's table. */

const UTF8_BOM = '\uFEFF';

/** The same text with a UTF-8 byte-order mark in front. */
export function withBom(text: string): string {
  return `${UTF8_BOM}${text}`;
}

/** The same text with Windows line ends. */
export function withCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * Bytes that are no text format at all: NULs, invalid UTF-8, stray quotes and line breaks,
 * from a fixed seed so that a failure is reproducible.
 */
export function binaryGarbage(length = 4096, seed = 0x5eed): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[index] = state >>> 24;
  }
  // A gzip-like magic number and a NUL at the start, as a truncated binary file would have.
  bytes[0] = 0x1f;
  bytes[1] = 0x8b;
  bytes[2] = 0x00;
  return bytes;
}

const TEN_MB = 10 * 1024 * 1024;

/** One line of `length` characters without a line break inside (and none at its end). */
export function hugeLine(length = TEN_MB, character = 'x'): string {
  return character.repeat(length);
}

/** The first `fraction` of a JSON document's text, as a writer killed half-way leaves it. */
export function truncated(text: string, fraction = 0.5): string {
  return text.slice(0, Math.max(1, Math.floor(text.length * fraction)));
}

/** A CSV text from a header line and data lines, `\n`-terminated. */
export function csvLines(header: string, rows: readonly string[] = []): string {
  return `${[header, ...rows].join('\n')}\n`;
}

/** The number of the last line of `text` (a final line break does not start a new line). */
export function lastLine(text: string): number {
  return text.replace(/\n$/, '').split('\n').length;
}

/** Replaces the first occurrence of `from` in a file's current text; fails loudly when absent. */
export function replaced(from: string, to: string): (current: string) => string {
  return (current) => {
    if (!current.includes(from)) throw new Error(`"${from}" does not occur in the base file`);
    return current.replace(from, to);
  };
}

/** Appends data lines to a CSV file's current text. */
export function appendedRows(...rows: string[]): (current: string) => string {
  return (current) => `${current}${rows.map((row) => `${row}\n`).join('')}`;
}

/**
 * Sets one cell of a CSV file's current text, found by 1-based line number and header column
 * name (plain CSV without quoted commas, as the generators write).
 */
export function withCell(line: number, column: string, value: string): (current: string) => string {
  return (current) => {
    const lines = current.split('\n');
    const index = (lines[0] ?? '')
      .replace(/^\uFEFF/, '')
      .split(',')
      .indexOf(column);
    const cells = lines[line - 1]?.split(',');
    if (index === -1 || !cells) throw new Error(`no cell ${column} on line ${line}`);
    cells[index] = value;
    lines[line - 1] = cells.join(',');
    return lines.join('\n');
  };
}

/** Keeps a CSV file's header line only. */
export function headerOnly(current: string): string {
  return `${current.split('\n')[0]}\n`;
}

/** A JSON file's current document changed by `mutate`, written back pretty-printed. */
// biome-ignore lint/suspicious/noExplicitAny: the mutations reach into documents of a known shape
export function editedJson(mutate: (document: any) => void): (current: string) => string {
  return (current) => {
    const document = JSON.parse(current);
    mutate(document);
    return `${JSON.stringify(document, null, 2)}\n`;
  };
}

/** A bare `NaN` in place of a value, as Python's json module writes a float NaN. */
const PYTHON_NAN = 'NaN';

/** A JSON file's current document with the value at a key replaced by Python's bare NaN. */
export function withPythonNan(setKey: (document: Record<string, unknown>, marker: string) => void) {
  const marker = '__python_nan__';
  return (current: string): string =>
    editedJson((document) => setKey(document, marker))(current).replace(`"${marker}"`, PYTHON_NAN);
}
