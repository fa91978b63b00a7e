import { tailUtf8, truncateUtf8 } from './message-text.js';

/**
 * The one masker for everything recorded from outside the process: webhook responses, recorded
 * commands (the run context's `command`, a manifest's provenance) and the output tails of
 * commands the jobs run.
 */

export const MAX_EXCERPT_BYTES = 512;
export const MAX_OUTPUT_TAIL_BYTES = 2048;
const MASK = '***';

type Replacer = (match: string, ...groups: string[]) => string;

const AUTH_SCHEME = /\b(Bearer|Basic|Token|Digest)\s+([A-Za-z0-9._~+/=-]+)/gi;
// `key=value`, `key: value` and JSON `"key": "value"` where the key names a credential; a value
// already masked as `Bearer ***` is left as it is.
const CREDENTIAL_PAIR =
  /\b([A-Za-z0-9_.-]*(?:token|secret|password|passwd|api[_-]?key|auth|cookie)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)(?!\*\*\*|(?:Bearer|Basic|Token|Digest)\s)([^\s"'&,;)}\]]+)/gi;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const TOKEN_CANDIDATE = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const PHONE_CANDIDATE = /(?<![\w.+])\+?\(?\d[\d ()-]*\d(?![\w.])/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

// A shell word: single-quoted, double-quoted or bare.
const SHELL_WORD = `(?:'[^']*'|"(?:[^"\\\\]|\\\\.)*"|[^\\s'"]+)`;
/** `--password x`, `--api-key=x`, `-u user:pass`: flags whose value is a credential. Flags that name a variable or file holding one (`--webhook-secret-env`, `--token-file`) are not. */
const SECRET_FLAG_VALUE = new RegExp(
  `(^|\\s)(-u|-U|--user|--proxy-user|--oauth2-bearer|--?[A-Za-z0-9_-]*(?:token|secret|password|passwd|passphrase|credential|api[_-]?key|access[_-]?key|private[_-]?key)(?![A-Za-z0-9_]*-(?:env|file|path|dir)\\b)[A-Za-z0-9_-]*)(=|\\s+)(${SHELL_WORD})`,
  'gi',
);
/** `Authorization: <value>` and similar headers inside a command, up to the end of the header's word. */
const SECRET_HEADER =
  /\b((?:Proxy-)?Authorization|Cookie|X-[A-Za-z-]*(?:Token|Key|Secret|Auth)[A-Za-z-]*)(\s*:\s*)(?!\*\*\*|(?:Bearer|Basic|Token|Digest)\s)([^\s'"]+)/gi;
const URL_IN_TEXT = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s'"]+/g;
/** Environment variable names whose values are treated as secrets wherever they appear. */
const SECRET_ENV_NAME =
  /(SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|API_?KEY|ACCESS_KEY|PRIVATE_KEY|AUTH|COOKIE|WEBHOOK_URL|DSN)/i;
/** Shorter values would mask ordinary words and numbers everywhere. */
const MIN_SECRET_VALUE_LENGTH = 6;

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

/** http(s) URLs shown as `scheme://host/…`; other URLs keep their path but lose their user info. */
function maskUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (url) =>
    /^https?:/i.test(url) ? maskUrl(url) : url.replace(/^([^:]+:\/\/)[^/@\s]*@/, `$1${MASK}@`),
  );
}

/** `scheme://user:password@host`: the user info of a URL. */
const URL_USER_INFO = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/@\s'"]+)@/g;

/**
 * The credential values a command line carries where maskCommand recognises them — credential
 * flag values (`-u admin:pass`), `Authorization`/`Bearer` values, credential `key=value` pairs,
 * URL user info — unquoted, with the password part of a `user:password` too. They are masked
 * wherever else they appear: further on in the command, and in its output.
 */
export function commandCredentials(command: string): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined) => {
    const text = (value ?? '').replace(/^(['"])(.*)\1$/s, '$2');
    if (text.length >= MIN_SECRET_VALUE_LENGTH && text !== MASK) values.add(text);
    const password = text.slice(text.indexOf(':') + 1);
    if (text.includes(':') && password.length >= MIN_SECRET_VALUE_LENGTH) values.add(password);
  };
  for (const match of command.matchAll(SECRET_FLAG_VALUE)) add(match[4]);
  for (const match of command.matchAll(AUTH_SCHEME)) add(match[2]);
  for (const match of command.matchAll(SECRET_HEADER)) add(match[3]);
  for (const match of command.matchAll(CREDENTIAL_PAIR)) add(match[3]);
  for (const match of command.matchAll(URL_USER_INFO)) add(match[1]);
  for (const match of command.matchAll(JWT)) add(match[0]);
  return [...values];
}

export interface MaskOptions {
  /** values to mask wherever they appear (e.g. secretEnvValues of the job's environment) */
  secretValues?: readonly string[];
}

/**
 * A command line as it may be recorded: known secret values, URL user info and paths,
 * `Authorization`/`Bearer`/`Basic` values, credential `key=value` pairs and the values of
 * credential flags (`--password x`, `-u user:pass`) masked — those credentials also wherever
 * else they appear in it (commandCredentials). Paths and ordinary arguments are kept, so the
 * record still says what ran.
 */
export function maskCommand(text: string, options: MaskOptions = {}): string {
  return maskUrlsIn(maskSecrets(text, [...(options.secretValues ?? []), ...commandCredentials(text)]))
    .replace(
      SECRET_FLAG_VALUE,
      (_match, lead, flag, separator) => `${lead}${flag}${separator.includes('=') ? '=' : ' '}${MASK}`,
    )
    .replace(AUTH_SCHEME, (_match, scheme) => `${scheme} ${MASK}`)
    .replace(SECRET_HEADER, (_match, name, separator) => `${name}${separator}${MASK}`)
    .replace(CREDENTIAL_PAIR, (_match, key, separator) => `${key}${separator}${MASK}`)
    .replace(JWT, MASK);
}

/**
 * The last `maxBytes` of a command's output as it may be recorded: everything maskCommand masks,
 * plus what the webhook client masks in responses (tokens, e-mail addresses, phone numbers).
 * Masking runs on the whole text before the tail is cut.
 */
export function maskOutputTail(text: string, options: MaskOptions & { maxBytes?: number } = {}): string {
  return tailUtf8(maskSensitive(maskCommand(text, options)), options.maxBytes ?? MAX_OUTPUT_TAIL_BYTES);
}

/**
 * The values to mask for a process environment: those of the variables `names` (the secrets a
 * job's options name) and of every variable whose name reads as a secret (`*_TOKEN`,
 * `*_PASSWORD`, `*_WEBHOOK_URL`, …). Values shorter than six characters are left out.
 */
export function secretEnvValues(env: NodeJS.ProcessEnv, names: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_VALUE_LENGTH) continue;
    if (names.includes(name) || SECRET_ENV_NAME.test(name)) values.add(value);
  }
  return [...values];
}
