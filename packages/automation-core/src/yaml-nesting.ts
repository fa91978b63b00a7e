/**
 * The yaml package composes documents recursively, and deep nesting does not always end in an
 * error it can catch: past about a thousand levels a second deep document in the same process
 * aborts Node outright (V8 runs out of memory compiling a regular expression at the bottom of
 * the stack). So the nesting of a config is bounded from its tokens first, with the package's
 * own lexer, which is iterative: quoted scalars and comments are single tokens there, so
 * brackets inside them cannot fake a level.
 */

interface YamlLexer {
  lex(source: string): Iterable<string>;
}

const FLOW_OPEN = new Set(['[', '{']);
const FLOW_CLOSE = new Set([']', '}']);
const BLOCK_INDICATORS = new Set(['-', '?', ':']);

/**
 * An upper bound of the document's nesting, checked against `limit`: first from its characters
 * (most configs stay far under the limit), then as the tokens stream (tokenBoundExceeds).
 */
export function yamlNestingExceeds(source: string, lexer: YamlLexer, limit: number): boolean {
  return characterBound(source) > limit && tokenBoundExceeds(source, lexer, limit);
}

/**
 * The bound from the tokens: a block collection starts at a column (one starting at the same
 * column as its parent key at most once per column, hence twice the indentation) or on the line
 * of an indicator (`-`, `?`, `:`), and flow collections add their open brackets. Returns true as
 * soon as the bound passes `limit`.
 */
export function tokenBoundExceeds(source: string, lexer: YamlLexer, limit: number): boolean {
  let flowDepth = 0;
  let indent = 0;
  let lineIndicators = 0;
  let atLineStart = true;
  for (const token of lexer.lex(source)) {
    if (token === '\n') {
      atLineStart = true;
      indent = 0;
      lineIndicators = 0;
      continue;
    }
    if (atLineStart) {
      atLineStart = false;
      if (/^ +$/.test(token)) {
        indent = token.length;
        continue;
      }
    }
    if (FLOW_OPEN.has(token)) flowDepth += 1;
    else if (FLOW_CLOSE.has(token)) flowDepth = Math.max(0, flowDepth - 1);
    else if (flowDepth === 0 && BLOCK_INDICATORS.has(token)) lineIndicators += 1;
    if (2 * indent + 2 + lineIndicators + flowDepth > limit) return true;
  }
  return false;
}

/**
 * The same bound from characters alone, never below the tokens' one: the widest indentation
 * (after any line break), every indicator character and every opening bracket of the text, as if
 * all were on one line. Most configs stay under the limit by far, and then need no lexing.
 */
function characterBound(source: string): number {
  let widestIndent = 0;
  let indent = 0;
  let inIndent = true;
  let marks = 0;
  for (let index = 0; index < source.length; index += 1) {
    const code = source.charCodeAt(index);
    if (code === 0x0a || code === 0x0d) {
      inIndent = true;
      indent = 0;
      continue;
    }
    if (inIndent && code === 0x20) {
      indent += 1;
      if (indent > widestIndent) widestIndent = indent;
      continue;
    }
    inIndent = false;
    // - ? : [ {
    if (code === 0x2d || code === 0x3f || code === 0x3a || code === 0x5b || code === 0x7b) marks += 1;
  }
  return 2 * widestIndent + 2 + marks;
}
