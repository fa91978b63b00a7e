import { percentile, roundMs, roundRate } from '@obs-automation/core';
import type { RollupFigures } from '@obs-automation/latency-store';
import { windowStartOf } from './window-spec.js';

/** Every latency of one window, so its percentiles are exact. */
export class WindowSamples {
  private values = new Float64Array(64);
  count = 0;
  failures = 0;

  add(latencyMs: number, failed: boolean): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count] = latencyMs;
    this.count += 1;
    if (failed) this.failures += 1;
  }

  figures(): RollupFigures {
    const sorted = this.values.subarray(0, this.count).sort();
    return {
      count: this.count,
      failureCount: this.failures,
      failureRate: roundRate(this.failures / this.count),
      p50Ms: roundMs(percentile(sorted, 0.5)),
      p95Ms: roundMs(percentile(sorted, 0.95)),
      p99Ms: roundMs(percentile(sorted, 0.99)),
      maxMs: roundMs(sorted[this.count - 1] as number),
    };
  }
}

/** Samples grouped by window start; only what one window needs is sorted. */
export class WindowedSamples {
  readonly windows = new Map<number, WindowSamples>();
  private lastStart = Number.NaN;
  private lastWindow: WindowSamples | undefined;

  constructor(readonly windowMs: number) {}

  add(timestampMs: number, latencyMs: number, failed: boolean): void {
    const start = windowStartOf(timestampMs, this.windowMs);
    if (start !== this.lastStart) {
      let window = this.windows.get(start);
      if (!window) {
        window = new WindowSamples();
        this.windows.set(start, window);
      }
      this.lastStart = start;
      this.lastWindow = window;
    }
    (this.lastWindow as WindowSamples).add(latencyMs, failed);
  }

  /** The figures of the window starting at `startMs` (one that has samples). */
  figuresOf(startMs: number): RollupFigures {
    const window = this.windows.get(startMs);
    if (!window)
      throw new RangeError(`no samples for the window starting ${new Date(startMs).toISOString()}`);
    return window.figures();
  }

  has(timestampMs: number): boolean {
    return this.windows.has(windowStartOf(timestampMs, this.windowMs));
  }

  /** Window starts in ascending order. */
  starts(): number[] {
    return [...this.windows.keys()].sort((a, b) => a - b);
  }
}
