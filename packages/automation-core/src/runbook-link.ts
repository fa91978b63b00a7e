/** The operations runbook, relative to the installation root; every error code has an anchor there. */
export const RUNBOOK_PATH = 'docs/runbook.md';

/** An error code as the jobs write them (`missing_input`); its runbook anchor is the code itself. */
export const ERROR_CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** The runbook's table of every error code, for a code that is not one (read back from a crafted file). */
const ERROR_CODE_TABLE = 'what-to-do-for-each-error-code';

/**
 * Where the runbook says what to do about an error code: `docs/runbook.md#<code>`. The anchors
 * are the codes themselves (`<a id="missing_secret"></a>`); a test checks that every code the
 * sources and the spec name has one. Text that is not shaped like a code links to the table.
 */
export function runbookLink(code: string): string {
  return `${RUNBOOK_PATH}#${ERROR_CODE_PATTERN.test(code) ? code : ERROR_CODE_TABLE}`;
}
