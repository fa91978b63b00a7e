import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  maskResponseExcerpt,
  maskSecrets,
  maskSensitive,
  maskUrl,
  truncateUtf8,
} from './response-masking.js';

describe('maskSecrets', () => {
  it('replaces every occurrence, including JSON-escaped and URL-encoded spellings', () => {
    const secret = 's3cr"et/value';
    const text = `raw ${secret} json ${JSON.stringify(secret)} url ${encodeURIComponent(secret)}`;
    const masked = maskSecrets(text, [secret]);
    expect(masked).toBe('raw *** json "***" url ***');
  });

  it('ignores empty secrets', () => {
    expect(maskSecrets('unchanged', [''])).toBe('unchanged');
  });
});

describe('maskSensitive', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi', 'Bearer ***'],
    ['{"access_token":"abcdef"}', '"access_token":"***"'],
    ['password=hunter2&user=bob', 'password=***&user=bob'],
    ['api_key: xyz', 'api_key: ***'],
    ['contact ops.team+alerts@example.co.jp now', 'contact *** now'],
    ['call +81 (3) 1234-5678 today', 'call *** today'],
    ['call 555-123-4567', 'call ***'],
    ['id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature', 'id ***'],
    ['hex 0123456789abcdef0123456789abcdef end', 'hex *** end'],
    ['b64 dGhpcyBpcyBhIHNlY3JldCB0b2tlbg== end', 'b64 *** end'],
  ])('masks %j', (text, expected) => {
    const masked = maskSensitive(text);
    expect(masked).toContain(expected);
  });

  it.each([
    'internal_server_error_while_processing',
    'retry at 2025-01-06T12:00:00Z please',
    'date 2025-01-06',
    'took 3.14159265 s for 12 rows',
    'HTTP 503 Service Unavailable',
  ])('leaves ordinary text alone: %j', (text) => {
    expect(maskSensitive(text)).toBe(text);
  });
});

describe('truncateUtf8', () => {
  it('never splits a character', () => {
    expect(truncateUtf8('aé€😀', 1)).toBe('a');
    expect(truncateUtf8('aé€😀', 2)).toBe('a');
    expect(truncateUtf8('aé€😀', 3)).toBe('aé');
    expect(truncateUtf8('aé€😀', 6)).toBe('aé€');
    expect(truncateUtf8('aé€😀', 9)).toBe('aé€');
    expect(truncateUtf8('aé€😀', 10)).toBe('aé€😀');
  });

  it('keeps at most the byte budget and a prefix of the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 0, max: 600 }),
        (text, max) => {
          const cut = truncateUtf8(text, max);
          expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(max);
          expect(text.startsWith(cut)).toBe(true);
        },
      ),
    );
  });
});

describe('maskResponseExcerpt', () => {
  it('masks secrets before truncating to 512 bytes', () => {
    const secret = 'S'.repeat(40);
    const text = `${'x'.repeat(500)}${secret}${'y'.repeat(2000)}`;
    const excerpt = maskResponseExcerpt(text, [secret]);
    expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(512);
    expect(excerpt).not.toContain('SSS');
    expect(excerpt).toContain('***');
  });
});

describe('maskUrl', () => {
  it('keeps only scheme and host', () => {
    expect(maskUrl('https://user:pw@hooks.example.com:8443/T000/B000/XXXX?token=abc')).toBe(
      'https://hooks.example.com:8443/…',
    );
  });

  it('masks an invalid URL entirely', () => {
    expect(maskUrl('not a url /with/secret')).toBe('***');
  });
});
