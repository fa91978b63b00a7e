/** The longest stretch between real successes found so far. */
export interface SuccessGap {
  ms: number;
  fromMs: number;
  toMs: number;
}

/**
 * What a job's runs say in their log order about failure streaks and gaps between real
 * successes: a recovery is timed from the first failure of its streak, a gap from the last
 * success (or where gaps are measured from) to the next.
 */
export class SuccessStreaks {
  /** first failure of the current streak of failed real runs */
  failingSinceMs: number | null = null;
  /** the latest real success so far, or null before the first */
  lastSuccessMs: number | null = null;
  recoveries = 0;
  recoveryTotalMs = 0;
  recoveryLongestMs = 0;
  longestGap: SuccessGap = { ms: -1, fromMs: 0, toMs: 0 };

  failure(ms: number): void {
    this.failingSinceMs ??= ms;
  }

  /** A success that counts no recovery and no gap (one before the period) still ends a streak. */
  endStreak(): void {
    this.failingSinceMs = null;
  }

  success(ms: number, gapOriginMs: number): void {
    if (this.failingSinceMs !== null) {
      const recoveryMs = Math.max(0, ms - this.failingSinceMs);
      this.recoveries += 1;
      this.recoveryTotalMs += recoveryMs;
      this.recoveryLongestMs = Math.max(this.recoveryLongestMs, recoveryMs);
      this.failingSinceMs = null;
    }
    this.gapTo(ms, gapOriginMs);
    this.lastSuccessMs = Math.max(this.lastSuccessMs ?? gapOriginMs, ms);
  }

  gapTo(toMs: number, gapOriginMs: number): void {
    const fromMs = this.lastSuccessMs ?? gapOriginMs;
    if (toMs - fromMs > this.longestGap.ms) this.longestGap = { ms: toMs - fromMs, fromMs, toMs };
  }

  /**
   * Whether appending `stretch` gives exactly what its runs one by one would: its gaps were
   * measured from its own first success, which holds when no earlier success is later than it.
   */
  canAppend(stretch: StreakStretch, gapOriginMs: number): boolean {
    return stretch.firstSuccessMs === null || (this.lastSuccessMs ?? gapOriginMs) <= stretch.firstSuccessMs;
  }

  /** The runs of `stretch`, in the period, as if they came one by one (check canAppend first). */
  append(stretch: StreakStretch, gapOriginMs: number): void {
    if (stretch.leadingFailureMs !== null) this.failure(stretch.leadingFailureMs);
    if (stretch.firstSuccessMs === null || stretch.after === null) return;
    this.success(stretch.firstSuccessMs, gapOriginMs);
    const after = stretch.after;
    this.recoveries += after.recoveries;
    this.recoveryTotalMs += after.recoveryTotalMs;
    this.recoveryLongestMs = Math.max(this.recoveryLongestMs, after.recoveryLongestMs);
    if (after.longestGap.ms > this.longestGap.ms) this.longestGap = after.longestGap;
    this.lastSuccessMs = Math.max(this.lastSuccessMs as number, after.lastSuccessMs as number);
    this.failingSinceMs = after.failingSinceMs;
  }

  /** The runs of `stretch` before the period: only the streak they leave open. */
  appendBefore(stretch: StreakStretch): void {
    if (stretch.after !== null) this.failingSinceMs = stretch.after.failingSinceMs;
    else if (stretch.leadingFailureMs !== null) this.failure(stretch.leadingFailureMs);
  }
}

/**
 * A job's runs in one stretch of the log, reduced to what composes with any runs before them:
 * the failures before its first real success, that success, and what the runs after it add up
 * to on their own (gaps measured from that first success).
 */
export interface StreakStretch {
  /** the first failure before the first real success (of the whole stretch when it has none) */
  leadingFailureMs: number | null;
  firstSuccessMs: number | null;
  /** the runs after the first success; null when there is none */
  after: SuccessStreaks | null;
}

/** Builds a StreakStretch from runs in log order. */
export class StreakStretchBuilder implements StreakStretch {
  leadingFailureMs: number | null = null;
  firstSuccessMs: number | null = null;
  after: SuccessStreaks | null = null;

  failure(ms: number): void {
    if (this.after) this.after.failure(ms);
    else this.leadingFailureMs ??= ms;
  }

  success(ms: number): void {
    if (this.after) {
      this.after.success(ms, ms);
      return;
    }
    this.firstSuccessMs = ms;
    this.after = new SuccessStreaks();
    this.after.lastSuccessMs = ms;
  }
}
