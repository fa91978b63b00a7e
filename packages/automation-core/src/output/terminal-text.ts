/** Colours for the human output; without colour every function returns its text unchanged. */
export interface TextStyle {
  color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const PLAIN = (text: string) => text;

export function textStyle(color: boolean): TextStyle {
  return color
    ? {
        color,
        bold: ansi(1, 22),
        dim: ansi(2, 22),
        red: ansi(31, 39),
        yellow: ansi(33, 39),
        green: ansi(32, 39),
        cyan: ansi(36, 39),
      }
    : { color, bold: PLAIN, dim: PLAIN, red: PLAIN, yellow: PLAIN, green: PLAIN, cyan: PLAIN };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape sequences is the point
const ANSI_SEQUENCE = /\u001b\[[0-9;]*m/g;

/** The columns a text takes on a terminal: its characters without colour codes. */
export function visibleLength(text: string): number {
  return Array.from(text.replace(ANSI_SEQUENCE, '')).length;
}

/** Pads to `width` visible columns (never cuts). */
export function padVisible(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

/**
 * Cuts plain text to `width` columns, ending in `…` when cut. Colour a text after cutting it:
 * this function counts characters, not escape codes.
 */
export function cutToWidth(text: string, width: number): string {
  const characters = Array.from(text);
  if (characters.length <= width) return text;
  return `${characters.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Word-wraps plain text to `width` columns in at most `maxLines` lines; the last one ends in `…`
 * when text is left over. A word longer than a line is cut.
 */
export function wrapToWidth(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let current = '';
  const words = text.split(/\s+/).filter((word) => word !== '');
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    const candidate = current === '' ? word : `${current} ${word}`;
    if (Array.from(candidate).length <= width) {
      current = candidate;
      continue;
    }
    if (current !== '') lines.push(current);
    current = word;
    if (lines.length === maxLines - 1) {
      const rest = words.slice(index).join(' ');
      lines.push(cutToWidth(rest, width));
      return lines;
    }
  }
  if (current !== '') lines.push(cutToWidth(current, width));
  return lines;
}

/** The colour a run status or severity is shown in. */
export function toneOf(style: TextStyle, word: string | null): (text: string) => string {
  switch (word) {
    case 'ok':
    case 'on_time':
    case 'healthy':
    case 'pass':
      return style.green;
    case 'warning':
    case 'late':
    case 'skipped':
    case 'dry_run':
      return style.yellow;
    case 'error':
    case 'critical':
    case 'stale':
    case 'never':
    case 'clock_skew':
    case 'attention':
    case 'fail':
      return style.red;
    default:
      return (text: string) => text;
  }
}
