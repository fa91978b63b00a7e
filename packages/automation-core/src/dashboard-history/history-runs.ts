/** A run of a dashboard history, a kept bundle's manifest or a reference: when, and its sequence. */
export interface HistoryRun {
  generated_at: string;
  sequence: number;
}

/** Newer by `generated_at`, then by sequence. */
export function isNewerRun(left: HistoryRun, right: HistoryRun): boolean {
  const delta = Date.parse(left.generated_at) - Date.parse(right.generated_at);
  return delta !== 0 ? delta > 0 : left.sequence > right.sequence;
}

/** The newest of `runs` (the first of equals), or null when there is none. */
export function newestRun<Run extends HistoryRun>(runs: readonly Run[]): Run | null {
  let newest: Run | null = null;
  for (const run of runs) if (newest === null || isNewerRun(run, newest)) newest = run;
  return newest;
}
