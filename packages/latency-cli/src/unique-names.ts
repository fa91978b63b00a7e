import type { z } from 'zod';

/** Adds an issue at `<key>.<index>.name` for every item of a config list whose name came before. */
export function requireUniqueNames(
  items: readonly { name: string }[],
  key: string,
  what: string,
  context: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.name)) {
      context.addIssue({
        code: 'custom',
        path: [key, index, 'name'],
        message: `duplicate ${what} name "${item.name}"`,
      });
    }
    seen.add(item.name);
  });
}
