import { describe, expect, it } from 'vitest';
import { realSleep, sleepUnlessAborted } from './sleep.js';

describe('realSleep', () => {
  it('resolves after the delay', async () => {
    const started = performance.now();
    await realSleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = realSleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(realSleep(10, controller.signal)).rejects.toBe(reason);
  });
});

describe('sleepUnlessAborted', () => {
  it('passes through to the sleep without a signal', async () => {
    const calls: number[] = [];
    await sleepUnlessAborted(async (ms) => {
      calls.push(ms);
    }, 1500);
    expect(calls).toEqual([1500]);
  });

  it('ends a sleep that ignores the signal as soon as it aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = sleepUnlessAborted(() => new Promise<void>(() => {}), 60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});
