/**
 * Where and why a text is not JSON, found without quoting any of it: JSON.parse's own messages
 * quote the text around the error, which must never reach a message (the text may be a file
 * the job was tricked into reading). Only called after JSON.parse has failed.
 */
export interface JsonSyntaxProblem {
  /** UTF-16 offset of the first character that is wrong (the text's length when it ends early) */
  position: number;
  problem: string;
}

type Expect = 'value' | 'value_or_end' | 'key' | 'key_or_end' | 'colon' | 'comma_or_end' | 'done';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const LITERALS = ['true', 'false', 'null'];

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** The end of the string starting at `start` (a `"`), or the problem inside it. */
function scanString(text: string, start: number): number | JsonSyntaxProblem {
  let index = start + 1;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return index + 1;
    if (code < 0x20) return { position: index, problem: 'control character in a string' };
    if (code === 0x5c) {
      const escaped = text[index + 1];
      if (escaped === 'u') {
        if (!HEX4.test(text.slice(index + 2, index + 6)))
          return { position: index, problem: 'invalid \\u escape' };
        index += 6;
        continue;
      }
      if (escaped === undefined || !'"\\/bfnrt'.includes(escaped))
        return { position: index, problem: 'invalid escape' };
      index += 2;
      continue;
    }
    index += 1;
  }
  return { position: text.length, problem: 'unterminated string' };
}

const PYTHON_NON_NUMBERS = ['NaN', '-Infinity', 'Infinity'];

/** The end of the value that is not a container starting at `start`, or the problem there. */
function scanScalar(text: string, start: number): number | JsonSyntaxProblem {
  const char = text[start] as string;
  if (char === '"') return scanString(text, start);
  // Python's json writes these for floats JSON cannot hold; naming the fixed word quotes nothing else.
  const pythonWord = PYTHON_NON_NUMBERS.find((word) => text.startsWith(word, start));
  if (pythonWord)
    return { position: start, problem: `${pythonWord} (Python's spelling of a missing number)` };
  if (char === '-' || (char >= '0' && char <= '9')) {
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(text);
    return match ? start + match[0].length : { position: start, problem: 'invalid number' };
  }
  const literal = LITERALS.find((word) => text.startsWith(word, start));
  return literal ? start + literal.length : { position: start, problem: 'unexpected character' };
}

/** The first syntax problem of `text`, or null when it is valid JSON. Iterative: any depth. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  const stack: string[] = [];
  let expect: Expect = 'value';
  let index = 0;
  const afterValue = (): Expect => (stack.length === 0 ? 'done' : 'comma_or_end');
  while (true) {
    while (index < text.length && isWhitespace(text.charCodeAt(index))) index += 1;
    if (index >= text.length) {
      if (expect === 'done') return null;
      return {
        position: text.length,
        problem: text.trim() === '' ? 'no JSON value' : 'unexpected end of input',
      };
    }
    const char = text[index] as string;
    switch (expect) {
      case 'done':
        return { position: index, problem: 'unexpected data after the JSON value' };
      case 'colon':
        if (char !== ':') return { position: index, problem: "expected ':'" };
        expect = 'value';
        index += 1;
        break;
      case 'key':
      case 'key_or_end': {
        if (char === '}' && expect === 'key_or_end') {
          stack.pop();
          expect = afterValue();
          index += 1;
          break;
        }
        if (char !== '"') return { position: index, problem: 'expected a property name in double quotes' };
        const end = scanString(text, index);
        if (typeof end !== 'number') return end;
        expect = 'colon';
        index = end;
        break;
      }
      case 'comma_or_end': {
        const open = stack[stack.length - 1];
        if (char === ',') {
          expect = open === '{' ? 'key' : 'value';
          index += 1;
        } else if ((char === '}' && open === '{') || (char === ']' && open === '[')) {
          stack.pop();
          expect = afterValue();
          index += 1;
        } else {
          return { position: index, problem: `expected ',' or '${open === '{' ? '}' : ']'}'` };
        }
        break;
      }
      case 'value':
      case 'value_or_end': {
        if (char === ']' && expect === 'value_or_end') {
          stack.pop();
          expect = afterValue();
          index += 1;
        } else if (char === '{' || char === '[') {
          stack.push(char);
          expect = char === '{' ? 'key_or_end' : 'value_or_end';
          index += 1;
        } else {
          const end = scanScalar(text, index);
          if (typeof end !== 'number') return end;
          expect = afterValue();
          index = end;
        }
        break;
      }
    }
  }
}

/** 1-based line and column of a UTF-16 offset. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < position;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: position - lineStart + 1 };
}
