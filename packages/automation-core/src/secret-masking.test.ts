import { describe, expect, it } from 'vitest';
import {
  commandCredentials,
  maskCommand,
  maskOutputTail,
  maskResponseExcerpt,
  maskSecrets,
  maskSensitive,
  maskUrl,
  secretEnvValues,
} from './secret-masking.js';

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

describe('maskCommand', () => {
  const upload = `curl -u admin:S3cr3tPass -H 'Authorization: Bearer tok_live_abc123' https://user:pw@storage.example/upload/x?sig=zzz out/dashboard`;

  it('masks user info, Authorization values and credential flags, and keeps the rest of the command', () => {
    const masked = maskCommand(upload);
    for (const secret of ['S3cr3tPass', 'admin:', 'tok_live_abc123', 'user:pw', 'sig=zzz', '/upload/x']) {
      expect(masked).not.toContain(secret);
    }
    expect(masked).toBe(`curl -u *** -H 'Authorization: Bearer ***' https://storage.example/… out/dashboard`);
  });

  it.each([
    ['--password hunter2 --verbose', '--password *** --verbose'],
    ['--api-key=k-123 --out x', '--api-key=*** --out x'],
    ["--token 'two words' next", '--token *** next'],
    ['TOKEN=abc123 aws s3 sync out s3://bucket/prefix', 'TOKEN=*** aws s3 sync out s3://bucket/prefix'],
    ['-H "X-Api-Key: k9" -H "Cookie: sid=1"', '-H "X-Api-Key: ***" -H "Cookie: ***"'],
    ['-H "Authorization: rawtoken"', '-H "Authorization: ***"'],
    ['psql postgres://app:pw@db.example/prod', 'psql postgres://***@db.example/prod'],
    ['--oauth2-bearer abc', '--oauth2-bearer ***'],
  ])('%s → %s', (command, expected) => {
    expect(maskCommand(command)).toBe(expected);
  });

  it('keeps the names of variables and files that hold secrets, and ordinary paths', () => {
    const command =
      '--webhook-secret-env OBS_WEBHOOK_SECRET --token-file /run/secrets/t out/dashboard/20260401T120000Z-dashboard';
    expect(maskCommand(command)).toBe(command);
  });

  it('masks the values given as secrets wherever they appear', () => {
    expect(
      maskCommand('upload --note s3cr3t-value-9 and s3cr3t-value-9', { secretValues: ['s3cr3t-value-9'] }),
    ).toBe('upload --note *** and ***');
  });
});

describe('maskOutputTail', () => {
  it('masks like a webhook response excerpt, then keeps the end', () => {
    const output = `${'progress\n'.repeat(400)}error: 403 for https://bucket.example/k?X-Amz-Signature=abc; token=tok_9f8e7d6c5b4a39281706; contact ops@example.com`;
    const tail = maskOutputTail(output, { maxBytes: 200 });
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(200);
    expect(tail.endsWith('contact ***')).toBe(true);
    for (const secret of ['X-Amz-Signature', 'tok_9f8e7d6c5b4a39281706', 'ops@example.com'])
      expect(tail).not.toContain(secret);
  });

  it('masks a secret before the cut, so no part of it survives at the start of the tail', () => {
    const secret = 'Q'.repeat(50);
    const tail = maskOutputTail(`${secret}${'y'.repeat(30)}`, { maxBytes: 40, secretValues: [secret] });
    expect(tail).not.toContain('Q');
  });
});

describe('secretEnvValues', () => {
  it('takes the named variables and every variable whose name reads as a secret', () => {
    const env = {
      OBS_WEBHOOK_SECRET: 'whsec_abcdef',
      UPLOAD_PASSWORD: 'hunter2!',
      MY_SLACK_HOOK: 'https://hooks.example/T0',
      PATH: '/usr/bin',
      SHORT_TOKEN: 'abc',
    };
    expect(secretEnvValues(env, ['MY_SLACK_HOOK']).sort()).toEqual(
      ['https://hooks.example/T0', 'hunter2!', 'whsec_abcdef'].sort(),
    );
  });
});

describe('commandCredentials', () => {
  const curl =
    "curl -u admin:S3cr3tPass -H 'Authorization: Bearer tok_abc' https://bot:hunter22@uploads.example/x --api-key=k3y-value";

  it('finds the credential values a command carries, with the password part of user:password', () => {
    expect(commandCredentials(curl)).toEqual(
      expect.arrayContaining([
        'admin:S3cr3tPass',
        'S3cr3tPass',
        'tok_abc',
        'bot:hunter22',
        'hunter22',
        'k3y-value',
      ]),
    );
    expect(commandCredentials('aws s3 sync "$OBS_DASHBOARD_DIR" s3://bucket/dashboard/')).toEqual([]);
  });

  it('masks them wherever else they appear in the command and in its output', () => {
    const command = `${curl}; echo "sent as admin:S3cr3tPass"`;
    expect(maskCommand(command)).not.toMatch(/S3cr3tPass|tok_abc|hunter22|k3y-value/);
    const output = 'auth failed for admin:S3cr3tPass (tok_abc)';
    expect(maskOutputTail(output, { secretValues: commandCredentials(curl) })).toBe(
      'auth failed for *** (***)',
    );
  });
});
