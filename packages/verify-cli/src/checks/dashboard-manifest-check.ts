import { WORKSPACE_LAYOUT } from '@obs-automation/core';
import { verifyBundle } from '../bundle/index.js';
import type { CheckOutcome } from './check-outcome.js';

export const DASHBOARD_MANIFEST_CHECK = 'dashboard_manifest';

export interface DashboardManifestCheckOptions {
  manifest: string;
  expectedDatasets: readonly string[];
  now: Date;
  root: string;
  /** read the whole history again, not only what the verification record does not vouch for */
  full: boolean;
}

/**
 * dashboard_manifest: the current bundle, checked as `obs-verify bundle` with its defaults checks
 * it (history and archive manifest included), except that history bundles and reference day
 * files an earlier night verified are taken from the history's verification record (all are
 * read with `full`).
 */
export async function dashboardManifestCheck(
  options: DashboardManifestCheckOptions,
): Promise<CheckOutcome & { written: string[] }> {
  const report = await verifyBundle({
    manifestPath: options.manifest,
    historyDir: WORKSPACE_LAYOUT.dashboardHistoryDir,
    archiveManifest: WORKSPACE_LAYOUT.dashboardArchiveManifest,
    expectedDatasets: [...options.expectedDatasets],
    now: options.now,
    root: options.root,
    record: { path: WORKSPACE_LAYOUT.dashboardHistoryRecord, full: options.full },
  });
  const failures = report.failures.map((failure) => ({
    check: DASHBOARD_MANIFEST_CHECK,
    error_code: failure.error_code,
    message: failure.message,
  }));
  return {
    name: DASHBOARD_MANIFEST_CHECK,
    status: failures.length > 0 ? 'fail' : 'pass',
    details: {
      manifest: options.manifest,
      checks: report.checks,
      ...(report.historyRecord ? { history_record: report.historyRecord } : {}),
    },
    failures,
    written: report.written,
  };
}
