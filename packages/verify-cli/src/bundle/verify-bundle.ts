import { basename, isAbsolute, relative, sep } from 'node:path';
import { formatSchemaIssues, MS_PER_DAY, resolveAgainstRoot } from '@obs-automation/core';
import { CheckBuilder, type CheckOutcome, skippedCheck } from '../checks/check-outcome.js';
import type { ArchiveManifestScan } from './archive-manifest.js';
import { type BundleManifest, DASHBOARD_MANIFEST_SCHEMA, readBundleManifest } from './bundle-manifest.js';
import { datasetFileCheck } from './dataset-file-check.js';
import { readHistory } from './history-bundles.js';
import { KeptBundleContents, referencesCheck, retentionCheck, sequenceCheck } from './history-checks.js';
import {
  type HistoryRecordUse,
  incrementalRead,
  keepHistoryRecord,
  recordToUse,
} from './history-incremental.js';
import { readHistoryRecord } from './history-record.js';
import { pageFileCheck } from './page-file-check.js';

export interface VerifyBundleOptions {
  manifestPath: string;
  historyDir?: string;
  archiveManifest?: string;
  expectedDatasets?: string[];
  retentionDays?: number;
  now: Date;
  root: string;
  /**
   * The nightly verification's record of the history: what it vouches for is not read again
   * (unless `full`), and what this run verified is recorded in it.
   */
  record?: { path: string; full: boolean };
}

export interface BundleCheck {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  details: Record<string, unknown>;
}

export interface BundleFailure {
  check: string;
  error_code: string;
  message: string;
}

export interface BundleReport {
  checks: BundleCheck[];
  failures: BundleFailure[];
  /** with `record`: how it was used, and the files this run wrote */
  historyRecord?: HistoryRecordUse;
  written: string[];
}

export const DEFAULT_RETENTION_DAYS = 56;

function displayPathFor(root: string): (absolute: string) => string {
  return (absolute) => {
    const inside = relative(root, absolute);
    return inside === '' || inside.startsWith('..') || isAbsolute(inside)
      ? absolute
      : inside.split(sep).join('/');
  };
}

async function manifestCheck(
  manifestPath: string,
  shown: (absolute: string) => string,
): Promise<{ outcome: CheckOutcome; manifest: BundleManifest | null }> {
  const check = new CheckBuilder('manifest_schema');
  const read = await readBundleManifest(manifestPath, shown(manifestPath));
  const where = shown(manifestPath);
  if (read.kind === 'missing') check.fail('manifest_missing', `manifest ${where} does not exist`);
  else if (read.kind === 'unreadable') check.fail('manifest_unreadable', `manifest ${where}: ${read.reason}`);
  else if (read.kind === 'schema_invalid') {
    check.fail(
      'schema_validation_failed',
      `manifest ${where} fails ${DASHBOARD_MANIFEST_SCHEMA}: ${formatSchemaIssues(read.issues)}`,
    );
  }
  const manifest = read.kind === 'ok' ? read.manifest : null;
  return {
    outcome: check.done({
      manifest: where,
      ...(manifest
        ? { sequence: manifest.sequence, job_id: manifest.job_id, datasets: manifest.datasets.length }
        : {}),
    }),
    manifest,
  };
}

function expectedDatasetsCheck(manifest: BundleManifest, expected: readonly string[]): CheckOutcome {
  if (expected.length === 0) return skippedCheck('expected_datasets', 'no --expected-dataset given');
  const check = new CheckBuilder('expected_datasets');
  const listed = new Set(manifest.datasets.map((entry) => entry.dataset));
  const missing = expected.filter((name) => !listed.has(name));
  for (const name of missing)
    check.fail('dataset_missing', `expected dataset ${name} is not in the manifest`);
  return check.done({ expected, missing });
}

function archiveCheck(archive: ArchiveManifestScan, path: string): CheckOutcome {
  if (!archive.exists)
    return skippedCheck('archive_manifest', `${path} does not exist (nothing deleted yet)`);
  const check = new CheckBuilder('archive_manifest');
  if (archive.unreadable) check.fail('invalid_input', archive.unreadable);
  for (const { line, reason } of archive.invalid) {
    check.fail('archive_manifest_invalid', `${path}:${line}: ${reason}`);
  }
  return check.done({
    archive_manifest: path,
    lines: archive.lines,
    invalid_lines: archive.invalidCount,
    first_invalid_lines: archive.invalid.map((item) => item.line),
  });
}

function toReport(outcomes: readonly CheckOutcome[]): BundleReport {
  return {
    checks: outcomes.map(({ name, status, details }) => ({ name, status, details })),
    failures: outcomes.flatMap((outcome) => outcome.failures),
    written: [],
  };
}

/**
 * Verifies a dashboard bundle: the manifest against its schema; every dataset file exists and
 * matches its SHA-256 and row count; the page, when listed, matches its SHA-256 and size; the
 * expected datasets are listed; with a history folder, the sequence is not below any bundle or
 * reference in it, nothing older than the retention remains unrecorded in the archive manifest
 * (see history-checks), and every reference names a kept bundle with the recorded content; every
 * archive-manifest line is valid.
 */
export async function verifyBundle(options: VerifyBundleOptions): Promise<BundleReport> {
  const shown = displayPathFor(options.root);
  const manifestPath = resolveAgainstRoot(options.root, options.manifestPath);
  const { outcome, manifest } = await manifestCheck(manifestPath, shown);
  const outcomes: CheckOutcome[] = [outcome];
  const unusable = 'the manifest is not usable';
  if (manifest) {
    for (const entry of manifest.datasets) outcomes.push(await datasetFileCheck(entry, manifestPath, shown));
    outcomes.push(
      manifest.page
        ? await pageFileCheck(manifest.page, manifestPath, shown)
        : skippedCheck('page', 'the manifest lists no page (written before the page existed)'),
    );
    outcomes.push(expectedDatasetsCheck(manifest, options.expectedDatasets ?? []));
  } else {
    outcomes.push(
      skippedCheck('datasets', unusable),
      skippedCheck('page', unusable),
      skippedCheck('expected_datasets', unusable),
    );
  }

  const archivePath = options.archiveManifest
    ? resolveAgainstRoot(options.root, options.archiveManifest)
    : null;
  // Its validator loads only when a bundle is verified, not for every obs-verify --help.
  const archive = archivePath
    ? await (await import('./archive-manifest.js')).scanArchiveManifest(archivePath, shown(archivePath))
    : null;
  const historyDir = options.historyDir ? resolveAgainstRoot(options.root, options.historyDir) : null;
  const manifestName = basename(manifestPath);
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const contents = new KeptBundleContents(manifestName, shown);
  const recordPath = options.record ? resolveAgainstRoot(options.root, options.record.path) : null;
  const stored =
    recordPath && !options.record?.full ? await readHistoryRecord(recordPath, shown(recordPath)) : null;
  const record = recordToUse(stored, options.now);
  const incremental = record
    ? incrementalRead(record, {
        sequence: manifest?.sequence ?? null,
        cutoffMs: options.now.getTime() - retentionDays * MS_PER_DAY,
        contents,
      })
    : null;
  const history = historyDir ? await readHistory(historyDir, manifestName, shown, incremental) : null;
  if (!historyDir || !history) {
    const reason = historyDir ? `${shown(historyDir)} does not exist` : 'no history folder given';
    outcomes.push(
      skippedCheck('history_sequence', reason),
      skippedCheck('history_retention', reason),
      skippedCheck('history_references', reason),
    );
  } else {
    outcomes.push(
      manifest ? sequenceCheck(manifest, history, shown) : skippedCheck('history_sequence', unusable),
      retentionCheck(history, archive, retentionDays, options.now, shown),
      history.references.files.length + history.summarized.length > 0
        ? await referencesCheck(history, archive, contents, shown)
        : skippedCheck('history_references', 'the history records no references'),
    );
  }
  outcomes.push(
    archive && archivePath
      ? archiveCheck(archive, shown(archivePath))
      : skippedCheck('archive_manifest', 'no archive manifest given'),
  );
  const report = toReport(outcomes);
  if (recordPath && history) {
    const kept = await keepHistoryRecord(
      recordPath,
      shown(recordPath),
      history,
      { stored, used: record },
      options.now,
    );
    report.historyRecord = kept.use;
    report.written.push(...kept.written);
  }
  return report;
}
