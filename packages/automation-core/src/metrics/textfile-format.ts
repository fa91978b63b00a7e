import type { MetricFamily } from './metric-families.js';

/** One series with its value, as a metrics file holds it. */
export interface MetricSeries {
  family: MetricFamily;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** A series read back from a metrics file: the family by name only. */
export interface ReadSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** `{a="1",b="2"}` with the labels sorted by name; empty for no labels. */
function formatLabels(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  for (const name of names) {
    if (!LABEL_NAME.test(name)) throw new RangeError(`invalid label name ${JSON.stringify(name)}`);
  }
  return `{${names.map((name) => `${name}="${escapeLabelValue(labels[name] as string)}"`).join(',')}}`;
}

/** The identity of a series: its name and labels, independent of label order. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  return `${name}${formatLabels(labels)}`;
}

/**
 * The Prometheus text exposition format (version 0.0.4) of the series: each family once, with
 * its HELP and TYPE, in the order of `families`; within a family, series sorted by their labels.
 */
export function renderTextfile(families: readonly MetricFamily[], series: readonly MetricSeries[]): string {
  const lines: string[] = [];
  for (const family of families) {
    const own = series
      .filter((item) => item.family.name === family.name)
      .map((item) => ({ key: seriesKey(family.name, item.labels), value: item.value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (own.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const item of own) lines.push(`${item.key} ${formatValue(item.value)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+-?[0-9]+)?$/;
const LABEL_PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function unescapeLabelValue(text: string): string {
  return text.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

function parseLabels(text: string): Record<string, string> | null {
  const labels: Record<string, string> = {};
  LABEL_PAIR.lastIndex = 0;
  while (LABEL_PAIR.lastIndex < text.length) {
    const match = LABEL_PAIR.exec(text);
    if (!match) return null;
    labels[match[1] as string] = unescapeLabelValue(match[2] as string);
    if (match[3] === '') break;
  }
  return LABEL_PAIR.lastIndex >= text.length ? labels : null;
}

function parseValue(text: string): number | null {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(text)) return null;
  return Number(text);
}

/**
 * The series of a metrics file, read defensively: comments, blank lines and any line that is
 * not a well-formed sample are passed over, so a hand-edited or truncated file loses only the
 * lines that are broken.
 */
export function parseTextfile(text: string): ReadSeries[] {
  const series: ReadSeries[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE_LINE.exec(line.trim());
    if (!match) continue;
    const labels = match[2] === undefined ? {} : parseLabels(match[2]);
    const value = parseValue(match[3] as string);
    if (labels === null || value === null) continue;
    series.push({ name: match[1] as string, labels, value });
  }
  return series;
}
