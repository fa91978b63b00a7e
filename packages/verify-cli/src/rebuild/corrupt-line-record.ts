import type { FileLine } from '../log/line-reader.js';
import type { LineProblem } from '../log/log-line-classifier.js';

/**
 * One line of `<log>.corrupt`: the line number, why it was set aside and its exact content — as
 * text when it is valid UTF-8, else as base64, so nothing is lost in the copy.
 */
export function corruptLineRecord(line: FileLine, problems: readonly LineProblem[]): string {
  const reason = problems.map((problem) => `${problem.kind}: ${problem.message}`).join('; ');
  if (line.raw === null || line.text === null) {
    return JSON.stringify({ line: line.number, reason, bytes: line.bytes, text: null });
  }
  const lossless =
    Buffer.byteLength(line.text) === line.raw.length && Buffer.from(line.text).equals(line.raw);
  return JSON.stringify(
    lossless
      ? { line: line.number, reason, text: line.text }
      : { line: line.number, reason, base64: line.raw.toString('base64') },
  );
}
