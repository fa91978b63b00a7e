import { appendLines, writeFileAtomic } from '@obs-automation/core';
import type { LatencyFile } from '../latency-file.js';
import type { LatencySample } from './latency-sample.js';
import { readRawHeader } from './raw-header.js';
import { formatSampleRow, layoutFromHeader, type RawLayout, WRITTEN_HEADER } from './raw-layout.js';

const WRITTEN_LAYOUT = layoutFromHeader([...WRITTEN_HEADER]) as RawLayout;

/**
 * Appends samples to the raw file in one fsync'ed write, in the column order of the file's own
 * header; a new (or blank) file gets the written header. The caller holds the latency lock.
 */
export async function appendSamplesToRaw(
  file: LatencyFile,
  samples: readonly LatencySample[],
): Promise<void> {
  if (samples.length === 0) return;
  const header = await readRawHeader(file);
  if (header.kind === 'layout') {
    await appendLines(
      file.path,
      samples.map((sample) => formatSampleRow(header.layout, sample)),
    );
    return;
  }
  const lines = [
    WRITTEN_HEADER.join(','),
    ...samples.map((sample) => formatSampleRow(WRITTEN_LAYOUT, sample)),
  ];
  if (header.size === 0) await appendLines(file.path, lines);
  else await writeFileAtomic(file.path, `${lines.join('\n')}\n`);
}
