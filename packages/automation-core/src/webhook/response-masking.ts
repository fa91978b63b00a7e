export const MAX_EXCERPT_BYTES = 512;
const MASK = '***';

type Replacer = (match: string, ...groups: string[]) => string;

const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/gi;
// `key=value`, `key: value` and JSON `"key": "value"` where the key names a credential; a value
// already masked as `Bearer ***` is left as it is.
const CREDENTIAL_PAIR =
  /\b([A-Za-z0-9_.-]*(?:token|secret|password|passwd|api[_-]?key|auth)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)(?!\*\*\*|(?:Bearer|Basic|Token)\s)[^\s"'&,;)}\]]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const TOKEN_CANDIDATE = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const PHONE_CANDIDATE = /(?<![\w.+])\+?\(?\d[\d ()-]*\d(?![\w.])/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Long base64/hex runs are tokens unless they read as a word: no digits and a single letter case. */
const maskToken: Replacer = (run) =>
  /\d/.test(run) || (/[a-z]/.test(run) && /[A-Z]/.test(run)) ? MASK : run;

const maskPhone: Replacer = (run) => {
  const digits = run.replace(/\D/g, '').length;
  return digits >= 7 && !ISO_DATE.test(run) ? MASK : run;
};

const SENSITIVE_PATTERNS: ReadonlyArray<readonly [RegExp, Replacer]> = [
  [AUTH_SCHEME, (_match, scheme) => `${scheme} ${MASK}`],
  [CREDENTIAL_PAIR, (_match, key, separator) => `${key}${separator}${MASK}`],
  [JWT, () => MASK],
  [EMAIL, () => MASK],
  [TOKEN_CANDIDATE, maskToken],
  [PHONE_CANDIDATE, maskPhone],
];

/** Replaces every known secret value, also in its JSON-escaped and URL-encoded spellings. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    spellings.add(secret);
    spellings.add(JSON.stringify(secret).slice(1, -1));
    spellings.add(encodeURIComponent(secret));
  }
  let result = text;
  for (const spelling of [...spellings].sort((a, b) => b.length - a.length)) {
    result = result.replaceAll(spelling, MASK);
  }
  return result;
}

/** Masks what looks like a credential, token, e-mail address or phone number. */
export function maskSensitive(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SENSITIVE_PATTERNS) {
    result = result.replace(pattern, replacement);
  }
  return result;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the character that would be split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** Masking runs before truncation so that a cut can never expose the start of a secret. */
export function maskResponseExcerpt(
  text: string,
  secrets: readonly string[],
  maxBytes: number = MAX_EXCERPT_BYTES,
): string {
  return truncateUtf8(maskSensitive(maskSecrets(text, secrets)), maxBytes);
}

/** `scheme://host/…`: webhook URLs often carry credentials in their path or query. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return MASK;
  }
}
