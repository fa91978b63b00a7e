import { describe, expect, it } from 'vitest';
import { secretsCheck } from './secrets-check.js';

function codesFor(values: Record<string, string>): string[] {
  return secretsCheck(Object.keys(values), (name) => values[name] || undefined).failures.map(
    (failure) => `${failure.message.split(' ')[0]} ${failure.error_code}`,
  );
}

describe('secretsCheck', () => {
  it('allows http only to loopback hosts', () => {
    expect(
      codesFor({
        A_URL: 'http://localhost:8080/x',
        B_URL: 'http://127.0.0.2/x',
        C_URL: 'http://[::1]:9000/x',
        D_URL: 'http://10.0.0.5/x',
        E_URL: 'ftp://files.example.com/x',
        F_URL: 'not a url',
        G_URL: 'https://hooks.example.com/x',
      }),
    ).toEqual(['D_URL secret_insecure_url', 'E_URL secret_insecure_url', 'F_URL secret_invalid_url']);
  });

  it('treats a value that looks like a URL as one whatever the variable is called', () => {
    expect(codesFor({ OBS_PAGER_ENDPOINT: 'http://pager.example.com/hook' })).toEqual([
      'OBS_PAGER_ENDPOINT secret_insecure_url',
    ]);
  });

  it('needs 32 characters for a signing secret and never reports a value', () => {
    const outcome = secretsCheck(['SHORT', 'LONG', 'UNSET'], (name) =>
      name === 'SHORT' ? 'abc123' : name === 'LONG' ? 'x'.repeat(32) : undefined,
    );
    expect(outcome.failures.map((failure) => failure.error_code)).toEqual([
      'secret_too_short',
      'secret_missing',
    ]);
    expect(JSON.stringify(outcome)).not.toContain('abc123');
    expect(JSON.stringify(outcome)).not.toContain('x'.repeat(32));
  });
});
