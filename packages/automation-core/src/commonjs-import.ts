/**
 * The exports of a CommonJS package loaded with `import()`. Node exposes them both as named
 * exports and as `default`; the bundled CLIs' lazily loaded chunks expose only `default`. Reading
 * `default` works in both.
 */
export function commonJsExports<T>(imported: T | { default: T }): T {
  return (imported as { default?: T }).default ?? (imported as T);
}
