import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '@obs-automation/core';
import { escapeHtml } from './html-text.js';

const DASH = '—';

/** `2026-11-24 12:10 UTC`, or a dash. */
export function formatTime(iso: string | null): string {
  if (iso === null) return DASH;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return DASH;
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A `<time>` element: the readable UTC time, the exact instant in `datetime`. */
export function timeElement(iso: string | null): string {
  if (iso === null) return DASH;
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatTime(iso))}</time>`;
}

export function formatDate(iso: string | null): string {
  return iso === null ? DASH : iso.slice(0, 10);
}

/** How long before `now` an instant was: `12 min ago`, `3 h ago`, `5 d ago`; `in 4 min` ahead. */
export function formatAge(iso: string | null, now: Date): string {
  if (iso === null) return DASH;
  const ageMs = now.getTime() - Date.parse(iso);
  const magnitude = Math.abs(ageMs);
  const amount =
    magnitude < MS_PER_HOUR
      ? `${Math.round(magnitude / MS_PER_MINUTE)} min`
      : magnitude < 2 * MS_PER_DAY
        ? `${Math.round(magnitude / MS_PER_HOUR)} h`
        : `${Math.round(magnitude / MS_PER_DAY)} d`;
  return ageMs >= 0 ? `${amount} ago` : `in ${amount}`;
}

/**
 * `8,668`: rounded to a whole number, halves away from zero, with comma thousands separators —
 * what `Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })` prints, without building one:
 * that cost every start of obs-dashboard and obs-daily ~30 ms of ICU set-up.
 */
export function formatWhole(value: number): string {
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return `${sign}∞`;
  // the shortest digits that give the number back, as Intl prints them; written out from 1e21 on
  const [mantissa = '', exponent] = String(Math.round(Math.abs(value))).split('e+');
  const digits =
    exponent === undefined ? mantissa : mantissa.replace('.', '').padEnd(Number(exponent) + 1, '0');
  return `${sign}${digits.replace(/\B(?=(\d{3})+$)/g, ',')}`;
}

export function formatMs(value: number | null): string {
  return value === null ? DASH : `${formatWhole(value)} ms`;
}

/** A fraction as a percentage: 0.0321 → `3.21 %`. */
export function formatPercent(value: number | null, digits = 2): string {
  return value === null ? DASH : `${(value * 100).toFixed(digits)} %`;
}

/** A signed change: `+0.061`, `−0.052` (true minus sign), or a percentage with `percent`. */
export function formatSigned(value: number | null, digits: number, percent = false): string {
  if (value === null) return DASH;
  const shown = percent ? `${Math.abs(value * 100).toFixed(digits)} %` : Math.abs(value).toFixed(digits);
  return `${value < 0 ? '−' : '+'}${shown}`;
}

export function formatNumber(value: number | null, digits: number): string {
  return value === null ? DASH : value.toFixed(digits);
}
