import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lexer } from 'yaml';
import { tokenBoundExceeds, yamlNestingExceeds } from './yaml-nesting.js';

const REFERENCE_CONFIGS = fileURLToPath(
  new URL('../../../../shared/data/reference-workspace/configs/observability/', import.meta.url),
);
const exceeds = (text: string, limit: number) => yamlNestingExceeds(text, new Lexer(), limit);

describe('yamlNestingExceeds', () => {
  it('bounds flow, compact and indented nesting', () => {
    expect(exceeds(`a: ${'['.repeat(20)}${']'.repeat(20)}`, 30)).toBe(false);
    expect(exceeds(`a: ${'['.repeat(40)}${']'.repeat(40)}`, 30)).toBe(true);
    expect(exceeds(`${'- '.repeat(40)}x`, 30)).toBe(true);
    expect(exceeds(Array.from({ length: 20 }, (_, level) => `${' '.repeat(level)}k:`).join('\n'), 30)).toBe(
      true,
    );
  });

  it('does not count brackets inside quoted scalars or comments, and cannot be fooled by them', () => {
    expect(exceeds(`a: "${'['.repeat(100)}"  # ${'{'.repeat(100)}\nb: '${'['.repeat(100)}'`, 10)).toBe(false);
    // A quote inside a plain scalar starts no string; quoted closing brackets close nothing.
    expect(exceeds(`a: [a"b, ${'[ "]", '.repeat(40)}]`, 30)).toBe(true);
  });

  it('gives the lexer’s answer whatever the text, with or without the quick bound', () => {
    const lexing = (text: string, limit: number) => {
      let tokens = 0;
      const counting = {
        *lex(source: string) {
          for (const token of new Lexer().lex(source)) {
            tokens += 1;
            yield token;
          }
        },
      };
      return { exceeds: yamlNestingExceeds(text, counting, limit), lexed: tokens > 0 };
    };
    const shallow = 'a:\n  b: [1, {c: d}]\n  e:\n    - f\n';
    expect(lexing(shallow, 64)).toEqual({ exceeds: false, lexed: false });
    // many indicators, shallow: the quick bound cannot decide, the lexer does
    const wide = Array.from({ length: 80 }, (_, index) => `k${index}: [x, y]`).join('\n');
    expect(lexing(wide, 64)).toEqual({ exceeds: false, lexed: true });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom('  ', '- ', 'k: ', '[', ']', '{', '}', '"[', "'", '#', '\n', '\r', 'x', ', '),
            fc.nat({ max: 20 }).map((indent) => `\n${' '.repeat(indent)}k:`),
          ),
          { maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 40 }),
        (parts, limit) => {
          const text = parts.join('');
          const lexerOnly = { lex: (source: string) => new Lexer().lex(source) };
          expect(yamlNestingExceeds(text, lexerOnly, limit)).toBe(tokenBoundExceeds(text, lexerOnly, limit));
        },
      ),
    );
  });

  it.skipIf(!existsSync(REFERENCE_CONFIGS))(
    'passes the earlier tooling’s configs with room to spare',
    async () => {
      for (const name of await readdir(REFERENCE_CONFIGS)) {
        if (!name.endsWith('.yaml') && !name.endsWith('.yml')) continue;
        expect(exceeds(await readFile(join(REFERENCE_CONFIGS, name), 'utf8'), 64), name).toBe(false);
      }
    },
  );
});
