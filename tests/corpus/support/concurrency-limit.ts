/**
 * A counting semaphore: at most `limit` of the wrapped tasks run at once, the rest wait in
 * arrival order. The corpus runs many short CLI processes; a few at a time keeps a 2-core
 * machine responsive while vitest runs other files beside this one.
 */
export function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
