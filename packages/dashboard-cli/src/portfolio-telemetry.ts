import { stat } from 'node:fs/promises';
import { invalidInput, isJsonObject, parseTimestamp, sha256Hex } from '@obs-automation/core';
import { displayPath, type HashedInput, parseJsonInput, readInputFile } from './input-files.js';

/** One strategy of the router telemetry's `execution_health`. */
export interface ExecutionRow {
  strategy: string;
  slippage_bps: number | null;
  reject_rate: number | null;
  fill_count: number | null;
  window_days: number | null;
  as_of: string;
}

export interface PortfolioTelemetry {
  rows: ExecutionRow[];
  input: HashedInput;
}

/** Each execution figure with the values it can take (slippage may be negative: price improvement). */
const NUMERIC_FIELDS = [
  { key: 'slippage_bps', min: -Infinity, max: Infinity, expected: 'a number' },
  { key: 'reject_rate', min: 0, max: 1, expected: 'a number between 0 and 1' },
  { key: 'fill_count', min: 0, max: Infinity, expected: 'a number ≥ 0' },
  { key: 'window_days', min: 0, max: Infinity, expected: 'a number ≥ 0' },
] as const;

function numericField(
  entry: Record<string, unknown>,
  field: (typeof NUMERIC_FIELDS)[number],
  shown: string,
  strategy: string,
): number | null {
  const value = entry[field.key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= field.min && value <= field.max)
    return value;
  throw invalidInput(
    { file: shown, key: `execution_health.${strategy}.${field.key}` },
    `expected ${field.expected}`,
  );
}

async function asOfOf(document: Record<string, unknown>, absolute: string, shown: string): Promise<string> {
  const generatedAt = document.generated_at;
  if (generatedAt === undefined || generatedAt === null) return (await stat(absolute)).mtime.toISOString();
  const parsed = typeof generatedAt === 'string' ? parseTimestamp(generatedAt) : null;
  if (!parsed) {
    throw invalidInput({ file: shown, key: 'generated_at' }, 'expected an ISO-8601 timestamp');
  }
  return parsed.toISOString();
}

/**
 * Reads the router telemetry: one execution row per strategy of `execution_health` (fields the
 * router did not report are null), stamped with the telemetry's `generated_at` or, when it has
 * none, the file's modification time.
 */
export async function readPortfolioTelemetry(absolute: string, root: string): Promise<PortfolioTelemetry> {
  const shown = displayPath(root, absolute);
  const bytes = await readInputFile(absolute, shown);
  const document = parseJsonInput(bytes, shown);
  if (!isJsonObject(document)) throw invalidInput({ file: shown }, 'the document is not a JSON object');
  const health = document.execution_health ?? {};
  if (!isJsonObject(health)) {
    throw invalidInput({ file: shown, key: 'execution_health' }, 'expected an object');
  }
  const asOf = await asOfOf(document, absolute, shown);
  const rows = Object.entries(health).map(([strategy, entry]): ExecutionRow => {
    if (!isJsonObject(entry)) {
      throw invalidInput({ file: shown, key: `execution_health.${strategy}` }, 'expected an object');
    }
    const [slippage_bps, reject_rate, fill_count, window_days] = NUMERIC_FIELDS.map((field) =>
      numericField(entry, field, shown, strategy),
    ) as [number | null, number | null, number | null, number | null];
    return { strategy, slippage_bps, reject_rate, fill_count, window_days, as_of: asOf };
  });
  return { rows, input: { path: shown, sha256: sha256Hex(bytes) } };
}
