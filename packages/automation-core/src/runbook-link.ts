/** The operations runbook, relative to the installation root; every error code has an anchor there. */
export const RUNBOOK_PATH = 'docs/runbook.md';

/**
 * Where the runbook says what to do about an error code: `docs/runbook.md#<code>`. The anchors
 * are the codes themselves (`<a id="missing_secret"></a>`); a test checks that every code the
 * sources and the spec name has one.
 */
export function runbookLink(code: string): string {
  return `${RUNBOOK_PATH}#${code}`;
}
