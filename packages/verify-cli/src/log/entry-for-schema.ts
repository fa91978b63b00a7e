/**
 * Deepest nesting inside a summary this reader checks without building it; a deeper summary is
 * parsed with the rest of its line. Each level doubles the size of the pattern.
 */
const MAX_SUMMARY_DEPTH = 6;

// JSON's grammar for the compact text JSON.stringify writes: no whitespace between tokens,
// strings without escapes or control characters.
const STRING = '"[^"\\\\\\u0000-\\u001f]*"';
const NUMBER = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';
const SCALAR = `${STRING}|${NUMBER}|true|false|null`;

function compactObjectPattern(depth: number): string {
  let value = `(?:${SCALAR})`;
  let object = '\\{\\}';
  for (let level = 0; level < depth; level += 1) {
    object = `\\{(?:${STRING}:${value}(?:,(?!\\})|(?=\\})))*\\}`;
    const array = `\\[(?:${value}(?:,(?!\\])|(?=\\])))*\\]`;
    value = `(?:${SCALAR}|${array}|${object})`;
  }
  return object;
}

/** One whole compact JSON object (the regular-expression engine checks it without building it). */
const COMPACT_OBJECT = new RegExp(`^${compactObjectPattern(MAX_SUMMARY_DEPTH)}$`);

/** How the jobs write an entry's last member: `…,"summary":{…}}`. */
const SUMMARY_MEMBER = ',"summary":{';
/** Shorter lines are parsed whole: looking for their summary costs more than skipping it saves. */
const MIN_SKIPPING_BYTES = 1024;

const CLOSE_BRACE = 0x7d;
/** Characters a JSON value can end with (a string, an object, an array, a number, a literal). */
const VALUE_END = /["}\]0-9el]/;

/**
 * A run-log line parsed for the line rules. The schema only asks of `summary` that it be an
 * object, and in the chain's own entries the summary is about half of each line and most of its
 * objects, so a long line that ends with a compact object summary, as the jobs write it, is parsed
 * without it and the summary checked against JSON's grammar only: the entry then holds an empty
 * object in its place. The outcome — the line parses or not, the schema's verdict — is the one
 * JSON.parse of the whole line gives; any other line is parsed whole. Throws as JSON.parse
 * throws.
 */
export function parseEntryForSchema(text: string): unknown {
  if (text.length < MIN_SKIPPING_BYTES) return JSON.parse(text);
  const at = text.indexOf(SUMMARY_MEMBER);
  if (at < 1 || text.charCodeAt(text.length - 1) !== CLOSE_BRACE || !VALUE_END.test(text[at - 1] as string)) {
    return JSON.parse(text);
  }
  let head: unknown;
  try {
    // parses only if everything before the comma is an object's opening and complete members:
    // the summary is then a member of the line's own object, not of anything nested in it
    head = JSON.parse(`${text.slice(0, at)}}`);
  } catch {
    return JSON.parse(text);
  }
  if (head === null || typeof head !== 'object' || Array.isArray(head)) return JSON.parse(text);
  if (!COMPACT_OBJECT.test(text.slice(at + SUMMARY_MEMBER.length - 1, -1))) return JSON.parse(text);
  // the summary is the line's last member, so the last one, as JSON.parse keeps it
  (head as Record<string, unknown>).summary = {};
  return head;
}
