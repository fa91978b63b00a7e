/** What a case's `diagnostics.error_message` must name, with a description for failure output. */
export interface MessageExpectation {
  description: string;
  test(message: string): boolean;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The message names the file and the line: `file:12`, or the file and `line 12`. */
export function namesFileAndLine(file: string, line: number): MessageExpectation {
  const pattern = new RegExp(
    `${escapeRegExp(file)}:${line}(?!\\d)|${escapeRegExp(file)}.*\\bline ${line}(?!\\d)`,
  );
  return { description: `names ${file} and line ${line}`, test: (message) => pattern.test(message) };
}

/** The message names the file and the key (a column, a JSON key path, a config key path). */
export function namesFileAndKey(file: string, key: string): MessageExpectation {
  return {
    description: `names ${file} and key ${key}`,
    test: (message) => message.includes(file) && message.includes(key),
  };
}

/** The message names the file (for a file that is missing or unreadable as a whole). */
export function namesFile(file: string): MessageExpectation {
  return { description: `names ${file}`, test: (message) => message.includes(file) };
}

/** The message names the command-line flag at fault. */
export function namesFlag(flag: string): MessageExpectation {
  return {
    description: `names the flag ${flag}`,
    test: (message) => new RegExp(`${escapeRegExp(flag)}(?![\\w-])`).test(message),
  };
}

/**
 * The message names the file and quotes the text at fault. JSON parsers report an unexpected
 * token without its position, quoting the text around it instead.
 */
export function namesFileAndQuote(file: string, quote: string): MessageExpectation {
  return {
    description: `names ${file} and quotes ${JSON.stringify(quote)}`,
    test: (message) => message.includes(file) && message.includes(quote),
  };
}

/** The message names the file and some line of it (where a parser stopped in unstructured bytes). */
export function namesFileAndSomeLine(file: string): MessageExpectation {
  const pattern = new RegExp(`${escapeRegExp(file)}:\\d+|${escapeRegExp(file)}.*\\bline \\d+`);
  return { description: `names ${file} and a line`, test: (message) => pattern.test(message) };
}
