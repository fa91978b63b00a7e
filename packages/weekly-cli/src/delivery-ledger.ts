import { type HistoryListing, type HistoryLocation, historyState, listHistory } from './history-store.js';
import type { UnrecordedDelivery } from './unrecorded-deliveries.js';

export interface WeekDelivery {
  /** the newest revision delivered; 0 when the week was not delivered */
  revision: number;
  /** where that revision is recorded */
  recordedIn: 'history' | 'heartbeat' | null;
  /** why a newer history record did not count */
  problem?: string;
}

/**
 * Which weeks were delivered, and at which revision: the history's records, plus the deliveries
 * the heartbeat keeps because the history could not take them. Read once per run; the run notes
 * its own deliveries in it.
 */
export class DeliveryLedger {
  private readonly weeks = new Map<string, WeekDelivery>();

  private constructor(
    private readonly history: HistoryLocation,
    private readonly listing: HistoryListing,
    private readonly unrecorded: readonly UnrecordedDelivery[],
  ) {}

  static async read(
    history: HistoryLocation,
    unrecorded: readonly UnrecordedDelivery[],
  ): Promise<DeliveryLedger> {
    return new DeliveryLedger(history, await listHistory(history), unrecorded);
  }

  async week(weekStart: string): Promise<WeekDelivery> {
    const known = this.weeks.get(weekStart);
    if (known) return known;
    const recorded = await historyState(this.history, this.listing, weekStart);
    const kept = Math.max(
      0,
      ...this.unrecorded.filter((entry) => entry.week_start === weekStart).map((entry) => entry.revision),
    );
    const problem = recorded.problem ? { problem: recorded.problem } : {};
    const state: WeekDelivery =
      kept > recorded.revision
        ? { revision: kept, recordedIn: 'heartbeat', ...problem }
        : { revision: recorded.revision, recordedIn: recorded.revision > 0 ? 'history' : null, ...problem };
    this.weeks.set(weekStart, state);
    return state;
  }

  async isDelivered(weekStart: string): Promise<boolean> {
    return (await this.week(weekStart)).revision > 0;
  }

  /** Records a delivery of this run. */
  noteDelivered(weekStart: string, revision: number, recordedIn: 'history' | 'heartbeat'): void {
    this.weeks.set(weekStart, { revision, recordedIn });
  }

  /** The newest week delivered, or null when none was. */
  async lastDeliveredWeek(): Promise<string | null> {
    const candidates = new Set([
      ...this.listing.keys(),
      ...this.unrecorded.map((entry) => entry.week_start),
      ...this.weeks.keys(),
    ]);
    for (const weekStart of [...candidates].sort().reverse()) {
      if (await this.isDelivered(weekStart)) return weekStart;
    }
    return null;
  }
}
