import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { readBoundedText } from '../bounded-file-read.js';
import { withLock } from '../file-lock.js';
import { JobError } from '../job-error.js';
import { jobSlug } from '../job-id.js';
import { METRIC_FAMILY_LIST, type MetricFamily, type MetricSample } from './metric-families.js';
import {
  type MetricSeries,
  parseTextfile,
  type ReadSeries,
  renderTextfile,
  seriesKey,
} from './textfile-format.js';

/** How long a run waits for another run of the same job to finish replacing the file. */
const METRICS_LOCK_WAIT_MS = 2000;

const FAMILIES_BY_NAME: ReadonlyMap<string, MetricFamily> = new Map(
  METRIC_FAMILY_LIST.map((family) => [family.name, family]),
);

/**
 * `obs_<job slug>.prom`: node_exporter's textfile collector reads only names ending in `.prom`,
 * and the temporary file of an atomic replace (`.obs_<slug>.prom.tmp-…`) does not end so.
 */
export function metricsFileName(jobName: string): string {
  return `obs_${jobSlug(jobName)}.prom`;
}

/** Beside the file, hidden and not ending in `.prom`, so the collector never reads it. */
function lockPathOf(file: string): string {
  return join(dirname(file), `.${basename(file)}.lock`);
}

export interface MetricsFileUpdate {
  /** absolute path of the job's metrics file */
  file: string;
  /** how messages name it (root-relative) */
  shown: string;
  /** the `job` label of every series */
  job: string;
  samples: readonly MetricSample[];
}

export interface MetricsFileResult {
  /** why the previous file could not be read (its values were not carried over); null when it was */
  previousProblem: string | null;
}

async function readPrevious(
  file: string,
  shown: string,
): Promise<{ series: ReadSeries[]; problem: string | null }> {
  try {
    const text = await readBoundedText(file, { kind: 'metrics_textfile', shown, what: 'metrics file' });
    return { series: text === null ? [] : parseTextfile(text), problem: null };
  } catch (error) {
    if (!(error instanceof JobError)) throw error;
    return { series: [], problem: String(error.details.problem ?? error.message) };
  }
}

/** A counter's previous value; anything but a finite value ≥ 0 restarts it (Prometheus reads a reset). */
function counterBase(previous: ReadSeries | undefined): number {
  const value = previous?.value;
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * The file's series after this run: the run's gauges, its counters added to their previous
 * values, and every other series of the previous file whose family is known (a value this run
 * did not measure — the last real success, a failed run's latency figures — stays as it was).
 */
export function mergeSeries(
  previous: readonly ReadSeries[],
  job: string,
  samples: readonly MetricSample[],
): MetricSeries[] {
  const carried = new Map<string, MetricSeries>();
  const previousByKey = new Map<string, ReadSeries>();
  for (const item of previous) {
    const family = FAMILIES_BY_NAME.get(item.name);
    if (!family || item.labels.job !== job) continue;
    const key = seriesKey(item.name, item.labels);
    previousByKey.set(key, item);
    carried.set(key, { family, labels: item.labels, value: item.value });
  }
  for (const sample of samples) {
    if ('clear' in sample) {
      for (const series of carried.values()) if (series.family === sample.family) series.value = 0;
      continue;
    }
    const labels = { ...sample.labels, job };
    const key = seriesKey(sample.family.name, labels);
    const value = 'add' in sample ? counterBase(previousByKey.get(key)) + sample.add : sample.value;
    carried.set(key, { family: sample.family, labels, value });
  }
  return [...carried.values()];
}

/**
 * Replaces the job's metrics file with this run's series, under a short lock of its own (a run
 * skipped by the job lock writes the same file as the run holding it): read the previous file,
 * merge, write a temporary file in the same folder and rename it over the target.
 */
export function updateMetricsFile(update: MetricsFileUpdate): Promise<MetricsFileResult> {
  return withLock(lockPathOf(update.file), METRICS_LOCK_WAIT_MS, async () => {
    const previous = await readPrevious(update.file, update.shown);
    const series = mergeSeries(previous.series, update.job, update.samples);
    // Not fsync'ed: every run rebuilds the file, node_exporter needs only the rename (decisions.md).
    await writeFileAtomic(update.file, renderTextfile(METRIC_FAMILY_LIST, series), { durable: false });
    return { previousProblem: previous.problem };
  });
}
