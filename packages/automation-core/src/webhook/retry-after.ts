const DELTA_SECONDS = /^\d+$/;
// IMF-fixdate, RFC 850 and asctime dates all open with a day name (RFC 9110 §5.6.7).
const HTTP_DATE = /^[A-Za-z]{3,9},? /;
const ZONE = /\s(GMT|UTC)$/i;

/**
 * Seconds to wait according to a Retry-After header (delta-seconds or an HTTP-date relative to
 * `now`), never negative; null when the header is absent or unparseable.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: () => Date = () => new Date(),
): number | null {
  const text = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (!text) return null;
  if (DELTA_SECONDS.test(text)) return Number(text);
  if (!HTTP_DATE.test(text)) return null;
  // asctime dates carry no zone but are UTC; Date.parse would read them as local time.
  const at = Date.parse(ZONE.test(text) ? text : `${text} GMT`);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now().getTime()) / 1000));
}
