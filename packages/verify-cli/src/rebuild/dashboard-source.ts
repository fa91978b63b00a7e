import { dirname, join, relative, resolve } from 'node:path';
import {
  listHistoryBundleFolders,
  listReferenceFiles,
  quoteUntrusted,
  readJsonFile,
  resolveAgainstRoot,
} from '@obs-automation/core';
import { isRecord } from '../trace/json-files.js';
import { timestampField } from './artefact-time.js';
import { jobsFromJsonLines } from './json-lines-source.js';
import { parseJobId, type ReconstructedJobs } from './reconstructed-job.js';

/** A dashboard manifest is written by a finished export: its job, time, datasets and sequence. */
async function jobFromManifest(root: string, manifestPath: string, jobs: ReconstructedJobs): Promise<void> {
  const shown = relative(root, manifestPath);
  const read = await readJsonFile(manifestPath, { kind: 'manifest', shown, what: 'manifest' });
  if (read.kind === 'missing') return;
  if (read.kind === 'invalid' || !isRecord(read.value)) {
    return jobs.reject(shown, read.kind === 'invalid' ? read.reason : 'not a JSON object');
  }
  const manifest = read.value;
  const jobId = typeof manifest.job_id === 'string' ? manifest.job_id : '';
  const parsed = parseJobId(jobId);
  if (!parsed) return jobs.reject(shown, `job_id ${quoteUntrusted(String(manifest.job_id))} is not a job id`);
  const datasets = Array.isArray(manifest.datasets) ? manifest.datasets.filter(isRecord) : [];
  jobs.add({
    jobId,
    status: 'ok',
    at: timestampField(manifest, ['generated_at']) ?? parsed.startedAt,
    artefacts: [
      ...datasets
        .filter((dataset) => typeof dataset.path === 'string')
        .map((dataset) => relative(root, resolve(dirname(manifestPath), dataset.path as string))),
      shown,
    ],
    sources: [shown],
    summary: {
      sequence: manifest.sequence ?? null,
      datasets: datasets.map((dataset) => ({ dataset: dataset.dataset, row_count: dataset.row_count })),
    },
  });
}

/** The current bundle's manifest: the export that wrote it. */
export function jobsFromDashboardManifest(
  root: string,
  path: string,
  jobs: ReconstructedJobs,
): Promise<void> {
  return jobFromManifest(root, resolveAgainstRoot(root, path), jobs);
}

/**
 * The history folder: one export per kept bundle, and one per reference (a run whose datasets a
 * kept bundle holds; its artefact is the day file that records it).
 */
export async function jobsFromDashboardHistory(
  root: string,
  path: string,
  jobs: ReconstructedJobs,
): Promise<void> {
  const historyDir = resolveAgainstRoot(root, path);
  for (const folder of (await listHistoryBundleFolders(historyDir))?.folders ?? []) {
    await jobFromManifest(root, join(folder, 'manifest.json'), jobs);
  }
  for (const file of (await listReferenceFiles(historyDir)).files) {
    const shown = relative(root, file);
    await jobsFromJsonLines(root, shown, jobs, {
      run: (value, startedAt) => ({
        status: 'ok',
        at: timestampField(value, ['generated_at']) ?? startedAt,
        artefacts: [shown],
        summary: {
          sequence: value.sequence ?? null,
          history: { stored: 'reference', bundle: value.bundle ?? null },
        },
      }),
    });
  }
}

/** The bundles retention deleted: the archive manifest records their job and sequence. */
export function jobsFromDashboardArchive(root: string, path: string, jobs: ReconstructedJobs): Promise<void> {
  return jobsFromJsonLines(root, path, jobs, {
    run: (value, startedAt) => ({
      status: 'ok',
      at: startedAt,
      artefacts: [],
      summary: { sequence: value.sequence ?? null, history_deleted_at: value.deleted_at ?? null },
    }),
  });
}
