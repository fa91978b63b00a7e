/**
 * Tracks the largest peak-to-trough fall of a cumulative P&L curve fed one step at a time. The
 * curve starts at 0 before the first step, so a first-day loss is already a drawdown.
 */
export class DrawdownTracker {
  private cumulative = 0;
  private peak = 0;
  private largestFall = 0;
  private peakBeforeLargestFall = 0;

  add(step: number): void {
    this.cumulative += step;
    if (this.cumulative > this.peak) this.peak = this.cumulative;
    const fall = this.peak - this.cumulative;
    if (fall > this.largestFall) {
      this.largestFall = fall;
      this.peakBeforeLargestFall = this.peak;
    }
  }

  /** False once the cumulative value has left the range of a double (no fall is meaningful then). */
  get inRange(): boolean {
    return Number.isFinite(this.cumulative) && Number.isFinite(this.largestFall);
  }

  /** The largest fall (≥ 0), in the curve's units. */
  get maxDrawdown(): number {
    return this.largestFall;
  }

  /** The cumulative value at the peak the largest fall started from. */
  get peakOfMaxDrawdown(): number {
    return this.peakBeforeLargestFall;
  }

  /**
   * The largest fall as a percentage of `base + peak` (e.g. starting equity plus the cumulative
   * P&L at that peak); null when that amount is not positive.
   */
  drawdownPercent(base: number): number | null {
    const peakValue = base + this.peakBeforeLargestFall;
    if (!(peakValue > 0)) return null;
    return (this.largestFall / peakValue) * 100;
  }
}
