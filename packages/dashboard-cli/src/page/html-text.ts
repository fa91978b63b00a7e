const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML element content and quoted attribute values: no markup survives. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] as string);
}

const SCRIPT_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * JSON for a `<script type="application/json">` block. `<`, `>` and `&` are written as JSON
 * escapes, so no `</script>` or `<!--` can end or change the block whatever the data holds; the
 * line separators U+2028/2029 are escaped too, so the text stays valid as a JavaScript literal.
 * JSON.parse of the block's text gives back the value unchanged.
 */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (character) => SCRIPT_ESCAPES[character] as string,
  );
}

/**
 * A root-relative workspace path as a link from a page in `pageFolder` (also root-relative), each
 * segment percent-encoded: the result is always a relative URL, never a scheme such as
 * `javascript:`. Null for paths that leave the workspace.
 */
export function relativeHref(pageFolder: string, rootRelativePath: string): string | null {
  const segments = rootRelativePath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0 || segments.includes('..') || rootRelativePath.startsWith('/')) return null;
  const depth = pageFolder.split('/').filter((segment) => segment !== '' && segment !== '.').length;
  const up = '../'.repeat(depth);
  const trailing = rootRelativePath.endsWith('/') ? '/' : '';
  return `${up}${segments.map(encodeURIComponent).join('/')}${trailing}`;
}
