// The soak's model of the notification queues (ops/notifications/<job>.json), read after every
// step: every notification ever queued, and which ones left a queue replaced by a newer one.

/** An alert's place in a queue (of an item queued or received): at most one firing and one resolved per alert. */
export const slotOf = (item) => `${item.dedup_key}|${item.status}`;

/**
 * A newer notification of an alert replaces a waiting one of the same status (docs/decisions.md:
 * an alert that flaps while nobody can be told keeps at most one firing and one resolved). The
 * model sees that happen: a waiting notification that leaves its queue while a newer one of its
 * slot takes its place, or while the receiver accepts a newer one of its slot in that same step
 * (queued and delivered by one run), was superseded, not lost.
 */
export class NotificationQueueModel {
  /** message id → item, for every notification seen waiting */
  queued = new Map();
  /** message id → slot, of the notifications waiting at the last observation */
  #waiting = new Map();
  /** message ids another notification of their slot replaced in the queue */
  #replaced = new Set();
  /** message id → {slot, step}: the step in which it left the queue with no successor there */
  #left = new Map();

  /** The queued notifications of every state file after `step`: [{message_id, item}]. */
  observe(step, entries) {
    const present = new Map(entries.map((entry) => [entry.message_id, slotOf(entry.item)]));
    const occupied = new Set(present.values());
    for (const [id, slot] of this.#waiting) {
      if (present.has(id)) continue;
      if (occupied.has(slot)) this.#replaced.add(id);
      else this.#left.set(id, { slot, step });
    }
    for (const entry of entries) this.queued.set(entry.message_id, entry.item);
    this.#waiting = present;
  }

  /**
   * Whether a notification the receiver never accepted was superseded: replaced in its queue,
   * or gone in a step in which the receiver accepted a newer notification of its slot
   * (`acceptedInStep(step)`: the `{id, slot}` of each notification accepted then).
   */
  superseded(id, acceptedInStep) {
    if (this.#replaced.has(id)) return true;
    const left = this.#left.get(id);
    if (!left) return false;
    return acceptedInStep(left.step).some((other) => other.id !== id && other.slot === left.slot);
  }
}
