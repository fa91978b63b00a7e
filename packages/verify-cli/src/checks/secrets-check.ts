import { maskUrl, sha256Hex } from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome } from './check-outcome.js';

export const SECRETS_CHECK = 'secrets';

export const MIN_SIGNING_SECRET_CHARS = 32;
const FINGERPRINT_HEX_CHARS = 12;

function isUrlVariable(name: string, value: string): boolean {
  return /url/i.test(name) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

/**
 * A short, non-reversible identifier to compare two environments' values. Only given for values
 * that pass their checks: a fingerprint of a weak secret would help guess it.
 */
function fingerprint(value: string): string {
  return `sha256:${sha256Hex(value).slice(0, FINGERPRINT_HEX_CHARS)}`;
}

/** Returns the failure for a URL variable, or null when it is acceptable. */
function urlProblem(name: string, value: string): { code: string; message: string } | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { code: 'secret_invalid_url', message: `${name} is not a valid URL` };
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return null;
  return {
    code: 'secret_insecure_url',
    message: `${name} points to ${maskUrl(value)}: only https is allowed (http only to a loopback host)`,
  };
}

/**
 * secrets: each variable is set and non-empty; URL variables use https (http only to loopback
 * hosts); signing secrets have at least 32 characters. Values are never reported.
 */
export function secretsCheck(
  names: readonly string[],
  read: (name: string) => string | undefined,
): CheckOutcome {
  const check = new CheckBuilder(SECRETS_CHECK);
  const variables = names.map((name) => {
    const value = read(name);
    if (value === undefined) {
      check.fail('secret_missing', `${name} is not set or is empty`);
      return { name, set: false };
    }
    const kind = isUrlVariable(name, value) ? 'url' : 'signing_secret';
    const problem =
      kind === 'url'
        ? urlProblem(name, value)
        : value.length < MIN_SIGNING_SECRET_CHARS
          ? {
              code: 'secret_too_short',
              message: `${name} has ${value.length} characters; a signing secret needs at least ${MIN_SIGNING_SECRET_CHARS}`,
            }
          : null;
    if (problem) check.fail(problem.code, problem.message);
    return {
      name,
      set: true,
      kind,
      ok: problem === null,
      ...(problem ? {} : { fingerprint: fingerprint(value) }),
    };
  });
  return check.done({ variables });
}
