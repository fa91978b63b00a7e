import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeUntrusted,
  escapeUntrustedText,
  quoteUntrusted,
  tailUtf8,
  truncateUtf8,
} from './message-text.js';

describe('escapeUntrustedText', () => {
  it('keeps quotes and backslashes of prose, escapes what a terminal would act on', () => {
    expect(escapeUntrustedText('artefact "ops/x.csv" named in "ops/y.log" (C:\\x)')).toBe(
      'artefact "ops/x.csv" named in "ops/y.log" (C:\\x)',
    );
    expect(escapeUntrustedText('a\u001b[31mred\nb\u202ec\ud800d😀')).toBe(
      'a\\u001b[31mred\\u000ab\\u202ec\\ud800d😀',
    );
    expect(escapeUntrustedText('😀'.repeat(5), 2)).toBe('😀😀…');
  });

  it('never lets a control, an invisible character or a lone surrogate through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const unsafe = [...escapeUntrustedText(text, 400)].filter((char) => {
          const code = char.codePointAt(0) as number;
          return (
            code < 0x20 ||
            (code >= 0x7f && code <= 0x9f) ||
            (code >= 0x2028 && code <= 0x202e) ||
            (code >= 0xd800 && code <= 0xdfff)
          );
        });
        expect(unsafe).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('quoteUntrusted', () => {
  it('quotes and JSON-escapes, so a value cannot end the quote or forge a line', () => {
    expect(quoteUntrusted('../../etc/passwd')).toBe('"../../etc/passwd"');
    expect(quoteUntrusted('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('escapes controls and invisible formatting characters that JSON leaves as they are', () => {
    expect(escapeUntrusted('x\u007fy\u202egnp.exe\u2028z')).toBe('x\\u007fy\\u202egnp.exe\\u2028z');
  });

  it('caps the length and marks the cut', () => {
    expect(quoteUntrusted('x'.repeat(1_000_000), 10)).toBe(`"${'x'.repeat(10)}…"`);
    expect(escapeUntrusted('😀'.repeat(5), 2)).toBe('😀😀…');
  });

  it('never lets a raw control character through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const raw = [...quoteUntrusted(text)].filter((char) => {
          const code = char.codePointAt(0) as number;
          return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
        });
        expect(raw).toEqual([]);
      }),
      { numRuns: 200 },
    );
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

describe('tailUtf8', () => {
  it('keeps at most the byte budget and a suffix of the text, never splitting a character', () => {
    expect(tailUtf8('aé€😀', 4)).toBe('😀');
    expect(tailUtf8('aé€😀', 6)).toBe('😀');
    expect(tailUtf8('aé€😀', 7)).toBe('€😀');
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 0, max: 600 }),
        (text, max) => {
          const tail = tailUtf8(text, max);
          expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(max);
          expect(text.endsWith(tail)).toBe(true);
        },
      ),
    );
  });
});
