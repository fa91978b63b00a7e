/**
 * Scaled values this far from a tie (x.5) round the same way whether they are read from the
 * binary double or from its shortest decimal form: below 2^31 the two differ by less than
 * 5e-7 after scaling.
 */
const TIE_MARGIN = 1e-6;
const FAST_LIMIT = 2 ** 31;
const MAX_DECIMALS = 15;

/**
 * Rounds half away from zero to `decimals` places, on the decimal value as written: the
 * shortest text that reads back as `value` (what `String(value)` and JSON show). So
 * 0.1234565 → 0.123457 and 1.005 → 1.01, although neither has an exact binary form and
 * `toFixed` gives 0.123456 and 1.00. The result prints in its shortest form; -0 becomes 0.
 */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new RangeError(`decimals must be a whole number from 0 to ${MAX_DECIMALS}, not ${decimals}`);
  }
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** decimals;
  const scaled = Math.abs(value) * scale;
  const magnitude =
    scaled < FAST_LIMIT && Math.abs(scaled - Math.floor(scaled) - 0.5) > TIE_MARGIN
      ? Math.round(scaled) / scale
      : roundDecimalText(Math.abs(value), decimals);
  return value < 0 ? 0 - magnitude : magnitude;
}

/** Rounds a non-negative number's shortest decimal text half up, digit by digit. */
function roundDecimalText(value: number, decimals: number): number {
  const [mantissa = '0', exponent = '0'] = String(value).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  // digits[i] is worth 10^(pointAt − 1 − i); those worth at least 10^−decimals are kept.
  const pointAt = whole.length + Number(exponent);
  const kept = pointAt + decimals;
  if (kept >= digits.length) return value;
  if (kept < 0) return 0;
  const roundsUp = (digits.charCodeAt(kept) as number) >= 0x35; // '5'
  const units = BigInt(digits.slice(0, kept) || '0') + (roundsUp ? 1n : 0n);
  return Number(`${units}e-${decimals}`);
}

/** Milliseconds are kept to 3 decimals in every file this package writes. */
export function roundMs(value: number): number {
  return roundTo(value, 3);
}

/** Rates are kept to 6 decimals. */
export function roundRate(value: number): number {
  return roundTo(value, 6);
}
