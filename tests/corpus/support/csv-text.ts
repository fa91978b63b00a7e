/** The data lines of a CSV text as written (no header, no blank lines, no BOM or CR). */
export function dataLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line !== '');
}

/** The items of `expected` (a multiset) that `found` does not hold. */
export function missingFrom(expected: readonly string[], found: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of found) counts.set(item, (counts.get(item) ?? 0) + 1);
  return expected.filter((item) => {
    const left = counts.get(item) ?? 0;
    if (left === 0) return true;
    counts.set(item, left - 1);
    return false;
  });
}

/**
 * The numbers (from 1) of the lines that are not blank, split as the JSON-lines readers split
 * (\n or \r\n; a lone \r is part of its line, as in every other reader of the jobs).
 */
export function nonBlankLines(text: string): number[] {
  return text.split(/\r?\n/).flatMap((line, index) => (line.trim() === '' ? [] : [index + 1]));
}
