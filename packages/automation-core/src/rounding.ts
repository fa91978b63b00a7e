/** Rounds half away from zero to `decimals` places; the value then prints in its shortest form. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const rounded = Math.round(Math.abs(value) * scale) / scale;
  return value < 0 ? -rounded : rounded;
}

/** Milliseconds are kept to 3 decimals in every file this package writes. */
export function roundMs(value: number): number {
  return roundTo(value, 3);
}

/** Rates are kept to 6 decimals. */
export function roundRate(value: number): number {
  return roundTo(value, 6);
}
