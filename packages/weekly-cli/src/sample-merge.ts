import type { WeekSample } from './week-samples.js';

/**
 * Merges the samples found in the raw file and the archives. A crash during rotation can leave
 * the same row in two files, so a row seen in several files counts as often as in the file that
 * holds it most often (identical rows within one file are distinct samples).
 */
export function mergeSampleFiles(files: readonly (readonly WeekSample[])[]): WeekSample[] {
  const merged = new Map<string, { sample: WeekSample; count: number }>();
  for (const samples of files) {
    const inFile = new Map<string, { sample: WeekSample; count: number }>();
    for (const sample of samples) {
      const seen = inFile.get(sample.identity);
      if (seen) seen.count++;
      else inFile.set(sample.identity, { sample, count: 1 });
    }
    for (const [identity, entry] of inFile) {
      const known = merged.get(identity);
      if (!known || known.count < entry.count) merged.set(identity, entry);
    }
  }
  const result: WeekSample[] = [];
  for (const { sample, count } of merged.values()) {
    for (let copy = 0; copy < count; copy++) result.push(sample);
  }
  return result;
}
