/** Keeps the first `limit` items and counts all of them, so a report stays small on any input. */
export class FirstItems<T> {
  readonly items: T[] = [];
  count = 0;

  constructor(private readonly limit: number) {}

  add(item: T): void {
    this.count += 1;
    if (this.items.length < this.limit) this.items.push(item);
  }

  /** Adds `count` items of which `first` are the first (as another FirstItems kept them). */
  addCounted(first: readonly T[], count: number): void {
    for (const item of first) this.add(item);
    this.count += count - first.length;
  }
}

/** How many line numbers a report lists before it only counts. */
export const REPORTED_LINES = 20;
