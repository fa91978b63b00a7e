import { describe, expect, it } from 'vitest';
import { firstTooDeepBracket, MAX_JSON_DEPTH, nestsDeeperThan, parseJsonBounded } from './bounded-json.js';
import { JobError } from './job-error.js';

function refusal(run: () => unknown): JobError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(JobError);
    return error as JobError;
  }
  throw new Error('expected a refusal');
}

const OPTIONS = { what: 'heartbeat', file: 'ops/x_heartbeat.json', code: 'heartbeat_corrupt' };

describe('parseJsonBounded', () => {
  it('parses JSON up to the nesting cap, ignoring a byte-order mark', () => {
    const deepest = `${'['.repeat(MAX_JSON_DEPTH)}1${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(parseJsonBounded(deepest, OPTIONS)).toBeInstanceOf(Array);
    expect(parseJsonBounded(Buffer.from('\uFEFF{"a":[1,{"b":null}]}'), OPTIONS)).toEqual({
      a: [1, { b: null }],
    });
  });

  it('refuses a field nested 5,000 deep before parsing, naming the file, line and column', () => {
    const text = `{\n  "status": "ok",\n  "x": ${'['.repeat(5000)}${']'.repeat(5000)}\n}`;
    const error = refusal(() => parseJsonBounded(text, OPTIONS));
    expect(error.code).toBe('heartbeat_corrupt');
    expect(error.message).toBe('heartbeat ops/x_heartbeat.json:3:71 nests deeper than 64 levels');
    expect(error.details).toMatchObject({ file: 'ops/x_heartbeat.json', line: 3, column: 71 });
  });

  it('finds the first bracket past the cap, at and around the count of brackets the text holds', () => {
    const nested = `${'['.repeat(3)}${']'.repeat(3)}`;
    expect(firstTooDeepBracket(nested, 3)).toBe(-1);
    expect(firstTooDeepBracket(nested, 2)).toBe(2);
    // more brackets than the cap, none of them too deep: scanned, and passed
    expect(firstTooDeepBracket(JSON.stringify(Array(100).fill({ a: [1] })), 3)).toBe(-1);
    const deepAtEnd = `{"a": [${'[1],'.repeat(100)} [[[2]]]]}`;
    expect(firstTooDeepBracket(deepAtEnd, 4)).toBe(deepAtEnd.indexOf('[[[') + 2);
  });

  it('agrees with a character-by-character scan on random bracket, quote and escape soup', () => {
    const byCharacter = (text: string, maxDepth: number) => {
      let depth = 0;
      let inString = false;
      for (let index = 0; index < text.length; index += 1) {
        const character = text[index];
        if (inString) {
          if (character === '\\') index += 1;
          else if (character === '"') inString = false;
        } else if (character === '"') inString = true;
        else if (character === '[' || character === '{') {
          depth += 1;
          if (depth > maxDepth) return index;
        } else if (character === ']' || character === '}') depth -= 1;
      }
      return -1;
    };
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 2000; round += 1) {
      const length = Math.floor(next() * 120);
      const text = Array.from({ length }, () => '[]{}"\\a,'[Math.floor(next() * 8)]).join('');
      const maxDepth = Math.floor(next() * 6);
      expect(firstTooDeepBracket(text, maxDepth), text).toBe(byCharacter(text, maxDepth));
    }
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: `\\"${'['.repeat(500)}`, b: '{'.repeat(500) });
    expect(firstTooDeepBracket(text, 2)).toBe(-1);
    expect(parseJsonBounded(text, OPTIONS)).toMatchObject({ b: '{'.repeat(500) });
  });

  it.each([
    ['root:x:0:0:root:/root:/bin/bash\n', 1, 1, 'unexpected character'],
    ['{"a": secretvalue}', 1, 7, 'unexpected character'],
    ['{"a":1}\n\n  trailing-secret', 3, 3, 'unexpected data after the JSON value'],
    ['{"a": "x\u0001"}', 1, 9, 'control character in a string'],
    ['{"a": [1, 2', 1, 12, 'unexpected end of input'],
    ['', 1, 1, 'no JSON value'],
  ])('reports %j at its line and column without quoting it', (text, line, column, problem) => {
    const error = refusal(() => parseJsonBounded(text, { what: 'input', file: 'in.json' }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe(`input in.json:${line}:${column} is not valid JSON: ${problem}`);
    for (const word of ['root:x', 'secretvalue', 'trailing-secret'])
      expect(error.message).not.toContain(word);
  });

  it('numbers lines of a JSON-lines file from the line given', () => {
    const error = refusal(() =>
      parseJsonBounded('{"a":}', { what: 'manifest line', file: 'm.jsonl', line: 41 }),
    );
    expect(error.message).toBe('manifest line m.jsonl:41:6 is not valid JSON: unexpected character');
  });
});

describe('nestsDeeperThan', () => {
  it('measures parsed values without recursion', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    expect(nestsDeeperThan(deep, 64)).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1] } }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: { b: [1] } }, 2)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });
});
