export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A finite number, or null for anything else (absent, null, text, NaN). */
export function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Rounds derived figures so that float noise (0.30000000000000004) does not reach the datasets. */
export function roundTo(value: number, digits: number): number {
  return Number(value.toFixed(digits)) + 0; // + 0 turns -0 into 0
}
