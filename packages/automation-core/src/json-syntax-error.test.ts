import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxProblem, lineAndColumn } from './json-syntax-error.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('findJsonSyntaxProblem', () => {
  it('agrees with JSON.parse on every document JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2), (value, indent) => {
        expect(findJsonSyntaxProblem(JSON.stringify(value, null, indent))).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('finds a problem exactly when JSON.parse fails, on damaged documents', () => {
    const damaged = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', '"', '{', '}', '[', ']', ',', ':', '\\', '\u0001', 'x', '01', '-', ' '),
      )
      .map(([text, at, insert]) => {
        const position = text.length === 0 ? 0 : at % (text.length + 1);
        return text.slice(0, position) + insert + text.slice(position + (insert === ' ' ? 1 : 0));
      });
    fc.assert(
      fc.property(damaged, (text) => {
        expect(findJsonSyntaxProblem(text) === null).toBe(parses(text));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['{"a" 1}', 5, "expected ':'"],
    ['{a: 1}', 1, 'expected a property name in double quotes'],
    ['[1 2]', 3, "expected ',' or ']'"],
    ['"\\x"', 1, 'invalid escape'],
    ['"\\u12g4"', 1, 'invalid \\u escape'],
    ['-', 0, 'invalid number'],
    ['"open', 5, 'unterminated string'],
  ])('%j: position %i, %s', (text, position, problem) => {
    expect(findJsonSyntaxProblem(text)).toEqual({ position, problem });
  });

  it('handles any depth without recursion', () => {
    expect(findJsonSyntaxProblem(`${'['.repeat(200_000)}${']'.repeat(199_999)}`)?.problem).toBe(
      'unexpected end of input',
    );
  });
});

describe('lineAndColumn', () => {
  it('counts from 1', () => {
    expect(lineAndColumn('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\n', 6)).toEqual({ line: 3, column: 1 });
  });
});

describe('Python non-numbers', () => {
  it('names NaN and Infinity, the fixed words Python writes, and nothing else of the text', () => {
    expect(findJsonSyntaxProblem('{"a": NaN}')).toEqual({
      position: 6,
      problem: "NaN (Python's spelling of a missing number)",
    });
    expect(findJsonSyntaxProblem('[-Infinity]')?.problem).toBe(
      "-Infinity (Python's spelling of a missing number)",
    );
    expect(findJsonSyntaxProblem('[Infinity]')?.problem).toBe(
      "Infinity (Python's spelling of a missing number)",
    );
    expect(findJsonSyntaxProblem('[Nonsense]')?.problem).toBe('unexpected character');
  });
});
