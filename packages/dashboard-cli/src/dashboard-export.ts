import { basename, dirname } from 'node:path';
import {
  commandCredentials,
  faultPoint,
  isoDate,
  type JobContext,
  type JobOutcome,
  makeFolder,
  registeredJob,
  secretEnvValues,
  writeFileAtomic,
} from '@obs-automation/core';
import { readHistoryState } from './bundle-history.js';
import type { DashboardOptions } from './dashboard-options.js';
import { type BuiltDatasets, buildDatasets } from './dataset-builders.js';
import { datasetFilePath, type RenderedDataset, renderDatasetFile } from './dataset-file.js';
import { DASHBOARD_SCHEMA_VERSION, DATASET_NAMES, type DatasetName } from './dataset-names.js';
import { exportDiagnostics, historyDamage, unreadableHistory } from './export-diagnostics.js';
import { publishToHistory } from './history-publication.js';
import { historyExpiryCutoffMs } from './history-retention.js';
import { displayPath, rootRelativeOrNull } from './input-files.js';
import { type DashboardManifest, type ManifestRead, readManifest, renderManifest } from './manifest.js';
import {
  bundleRelativePath,
  carriedEntries,
  type DatasetState,
  manifestEntry,
  manifestHeartbeat,
  mergedDatasetStates,
  nextSequence,
  orderedEntries,
} from './manifest-composition.js';
import { pageFilePath, renderDashboardPage } from './page/dashboard-page.js';
import { buildProvenance, readProvenanceFile } from './provenance.js';
import { removeStaleTempFiles, StagedFiles } from './staged-files.js';
import { runUploadCommand } from './upload-command.js';
import { describeUploadFailure, uploadDiagnostics, uploadSummary } from './upload-report.js';

/** The binary provenance names as the manifest's writer. */
const DASHBOARD_BINARY = registeredJob('dashboard').binary;

function datasetSummaries(requested: readonly DatasetName[], rendered: readonly RenderedDataset[]) {
  return requested.map((name) => {
    const item = rendered.find((candidate) => candidate.content.dataset === name);
    return item
      ? { name, status: 'ok', row_count: item.rowCount, checksum: item.checksum }
      : { name, status: 'error', row_count: null, checksum: null };
  });
}

/**
 * The inputs the bundle was built from: this run's sources, or, when it exported nothing and
 * only keeps earlier files, those of the manifest that listed them.
 */
function provenanceInputs(built: BuiltDatasets, previous: ManifestRead): string[] {
  const sources = [...new Set(built.contents.flatMap((content) => content.sources))];
  if (sources.length === 0 && previous.kind === 'ok') return previous.manifest.provenance.inputs;
  return sources;
}

/**
 * The export as its page's health table shows it, before the history is published: a failed
 * dataset is its error; a history it could not read already makes it `warning` (a kept bundle
 * whose files changed is found only while publishing, after the page is written).
 */
function pageStatus(
  errorCode: string | null,
  dryRun: boolean,
  unreadable: readonly string[],
): { status: JobOutcome['status']; errorCode: string | null } {
  if (errorCode !== null) return { status: 'error', errorCode };
  if (dryRun) return { status: 'dry_run', errorCode: null };
  return historyDamage(unreadable, undefined) === null
    ? { status: 'ok', errorCode: null }
    : { status: 'warning', errorCode: 'history_bundle_invalid' };
}

/**
 * One obs-dashboard run, under the job lock: build the requested datasets; write them, the
 * page and the sequenced manifest together; copy the bundle to the history and apply the
 * retention; run the upload command. A failed dataset leaves its previous file and manifest
 * entry in place while the others are still written (the run is then `error`, and neither
 * history nor upload runs); the page says which failed. When nothing at all can be listed in a
 * manifest, the page is written alone.
 */
export async function runDashboardExport(
  options: DashboardOptions,
  context: JobContext,
): Promise<JobOutcome> {
  const abs = context.resolvePath;
  const shown = (absolute: string) => displayPath(context.root, absolute);
  const outputDir = abs(options.outputDir);
  const manifestPath = abs(options.manifest);
  const bundleDir = dirname(manifestPath);
  const supplied = options.provenance
    ? await readProvenanceFile(abs(options.provenance), context.root)
    : undefined;
  const previous = await readManifest(manifestPath, shown(manifestPath));
  // Without a readable manifest, the next sequence is one past every bundle's: all are read.
  const history = await readHistoryState(
    abs(options.historyDir),
    basename(manifestPath),
    shown,
    previous.kind === 'ok'
      ? {
          kind: 'needed',
          expiryCutoffMs: historyExpiryCutoffMs(context.now, options.historyRetentionDays),
          runDay: isoDate(context.now),
        }
      : { kind: 'all' },
  );
  await removeStaleTempFiles([
    manifestPath,
    pageFilePath(bundleDir),
    ...DATASET_NAMES.map((name) => datasetFilePath(outputDir, name)),
  ]);
  context.checkpoint();

  const built = await buildDatasets(options, {
    root: context.root,
    stateArchiveRoot: abs(options.stateArchiveRoot),
    portfolioTelemetry: abs(options.portfolioTelemetry),
    runsRoot: abs(options.runsRoot),
    latencyRollup: abs(options.latencyRollup),
  });
  context.checkpoint();

  const generatedAt = context.now.toISOString();
  const rendered = built.contents.map((content) =>
    renderDatasetFile(content, outputDir, { generatedAt, jobId: context.jobId }, options.indent),
  );
  const states: Record<string, DatasetState> = {};
  for (const item of rendered) states[item.content.dataset] = 'ok';
  for (const failure of built.failures) states[failure.dataset] = 'error';
  const datasetStates = mergedDatasetStates(context.previousHeartbeat, states);
  const unreadable = unreadableHistory(history, shown);
  const diagnostics = exportDiagnostics(built, previous, unreadable, shown, manifestPath);
  const firstFailure = built.failures[0];
  const summary: Record<string, unknown> = {
    manifest: context.relativePath(manifestPath),
    sequence: null,
    datasets: datasetSummaries(options.datasets, rendered),
    upload: uploadSummary('export_failed'),
    history_pruned: 0,
  };
  const carried = await carriedEntries(
    previous,
    new Set(rendered.map((item) => item.content.dataset)),
    bundleDir,
  );
  if (carried.entries.length > 0)
    diagnostics.carried_datasets = carried.entries.map((entry) => entry.dataset);
  if (carried.dropped.length > 0) diagnostics.dropped_datasets = carried.dropped;
  const page = (bundle: DashboardManifest | null) =>
    renderDashboardPage({
      now: context.now,
      jobId: context.jobId,
      dryRun: options.dryRun,
      contents: built.contents,
      failures: built.failures,
      manifest: bundle,
      settings: options.page,
      bundleDir,
      pageFolder: rootRelativeOrNull(context.root, bundleDir),
      runsRoot: rootRelativeOrNull(context.root, abs(options.runsRoot)),
      root: context.root,
      current: {
        jobId: context.jobId,
        now: context.now,
        ...pageStatus(firstFailure?.error.code ?? null, options.dryRun, unreadable),
        previousHeartbeat: context.previousHeartbeat,
        heartbeatFile: context.relativePath(abs(options.heartbeatFile)),
      },
    });
  if (rendered.length === 0 && carried.entries.length === 0) {
    // Nothing to list in a manifest: the page alone says what is missing.
    const alone = await page(null);
    await makeFolder(bundleDir);
    await writeFileAtomic(alone.path, alone.bytes);
    summary.page = context.relativePath(alone.path);
    return {
      status: 'error',
      artefacts: [context.relativePath(alone.path)],
      diagnostics,
      summary,
      heartbeat: { datasets: datasetStates },
    };
  }

  const sequence = nextSequence(previous, history);
  const manifest: DashboardManifest = {
    schema_version: DASHBOARD_SCHEMA_VERSION,
    sequence,
    generated_at: generatedAt,
    job_id: context.jobId,
    datasets: orderedEntries([
      ...rendered.map((item) => manifestEntry(item, bundleDir, generatedAt)),
      ...carried.entries,
    ]),
    provenance: buildProvenance(context, DASHBOARD_BINARY, provenanceInputs(built, previous), supplied, {
      secretValues: secretEnvValues(process.env),
    }),
    heartbeat: manifestHeartbeat(context.previousHeartbeat, datasetStates, {
      jobId: context.jobId,
      at: generatedAt,
      errorCode: firstFailure?.error.code ?? null,
      dryRun: options.dryRun,
    }),
  };
  const renderedPage = await page(manifest);
  manifest.page = {
    path: bundleRelativePath(bundleDir, renderedPage.path),
    checksum_sha256: renderedPage.checksum,
    bytes: renderedPage.bytes.length,
  };
  const manifestBytes = await renderManifest(shown(manifestPath), manifest, options.indent);
  context.checkpoint();

  await makeFolder(outputDir);
  const stagedDatasets = new StagedFiles();
  const stagedManifest = new StagedFiles();
  try {
    for (const item of rendered) await stagedDatasets.stage(item.path, item.bytes);
    await stagedDatasets.stage(renderedPage.path, renderedPage.bytes);
    await stagedManifest.stage(manifestPath, manifestBytes);
  } catch (error) {
    await Promise.all([stagedDatasets.discard(), stagedManifest.discard()]);
    throw error;
  }
  await stagedDatasets.commit();
  faultPoint('dashboard:after-datasets-write');
  await stagedManifest.commit();
  faultPoint('dashboard:after-manifest-replace');
  const artefacts = [...rendered.map((item) => item.path), renderedPage.path, manifestPath].map(
    context.relativePath,
  );
  summary.sequence = sequence;
  summary.page = context.relativePath(renderedPage.path);
  const heartbeat = { sequence, datasets: datasetStates };
  if (firstFailure) return { status: 'error', artefacts, diagnostics, summary, heartbeat };

  const publication = await publishToHistory({
    manifestPath,
    manifest,
    history,
    historyDir: abs(options.historyDir),
    archiveManifest: abs(options.archiveManifest),
    retentionDays: options.historyRetentionDays,
    archiveRetentionDays: options.archiveManifestRetentionDays,
    now: context.now,
    shown,
  });
  artefacts.push(context.relativePath(publication.artefact));
  summary.history = { stored: publication.stored, bundle: publication.bundle };
  summary.history_pruned = publication.pruned.length;
  if (publication.comparisonProblem) diagnostics.history_comparison_problem = publication.comparisonProblem;
  if (publication.archiveRecordsDropped > 0)
    summary.archive_records_dropped = publication.archiveRecordsDropped;
  if (publication.pruned.length > 0 || publication.archiveRecordsDropped > 0) {
    artefacts.push(context.relativePath(abs(options.archiveManifest)));
    diagnostics.pruned_bundles = publication.pruned.map((line) => line.job_id);
  }
  context.checkpoint();
  const damage = options.dryRun ? null : historyDamage(unreadable, publication.comparisonProblem);
  if (damage !== null) {
    diagnostics.error_code = 'history_bundle_invalid';
    diagnostics.error_message = damage;
  }
  const published = damage === null ? 'ok' : 'warning';

  if (options.dryRun || !options.uploadCommand) {
    summary.upload = uploadSummary(options.dryRun ? 'dry_run' : 'no_command');
    return { status: options.dryRun ? 'dry_run' : published, artefacts, diagnostics, summary, heartbeat };
  }
  const upload = await runUploadCommand({
    command: options.uploadCommand,
    cwd: context.root,
    bundleEnv: {
      OBS_DASHBOARD_DIR: bundleDir,
      OBS_DASHBOARD_MANIFEST: manifestPath,
      OBS_JOB_ID: context.jobId,
      OBS_SEQUENCE: String(sequence),
    },
    timeoutSeconds: options.uploadTimeoutSeconds,
    retries: options.uploadRetries,
    signal: context.signal,
  });
  context.checkpoint();
  summary.upload = uploadSummary(upload);
  // The command's own credentials are masked in its output too (a client echoing `-u user:pass`).
  const secretValues = [...secretEnvValues(process.env), ...commandCredentials(options.uploadCommand)];
  Object.assign(diagnostics, uploadDiagnostics(upload, secretValues));
  // every attempt of the upload counts among the run's delivery attempts
  const attempts = upload.attempts;
  if (upload.ok) return { status: published, artefacts, attempts, diagnostics, summary, heartbeat };
  diagnostics.error_code = 'upload_failed';
  diagnostics.error_message = describeUploadFailure(upload, options.uploadTimeoutSeconds);
  return { status: 'error', artefacts, attempts, diagnostics, summary, heartbeat };
}
