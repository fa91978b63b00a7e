import { WORKSPACE_LAYOUT } from '@obs-automation/core';
import { verifyBundle } from '../bundle/index.js';
import type { CheckOutcome } from './check-outcome.js';

export const DASHBOARD_MANIFEST_CHECK = 'dashboard_manifest';

export interface DashboardManifestCheckOptions {
  manifest: string;
  expectedDatasets: readonly string[];
  now: Date;
  root: string;
}

/**
 * dashboard_manifest: the current bundle, checked exactly as `obs-verify bundle` with its
 * defaults checks it (history and archive manifest included).
 */
export async function dashboardManifestCheck(options: DashboardManifestCheckOptions): Promise<CheckOutcome> {
  const report = await verifyBundle({
    manifestPath: options.manifest,
    historyDir: WORKSPACE_LAYOUT.dashboardHistoryDir,
    archiveManifest: WORKSPACE_LAYOUT.dashboardArchiveManifest,
    expectedDatasets: [...options.expectedDatasets],
    now: options.now,
    root: options.root,
  });
  const failures = report.failures.map((failure) => ({
    check: DASHBOARD_MANIFEST_CHECK,
    error_code: failure.error_code,
    message: failure.message,
  }));
  return {
    name: DASHBOARD_MANIFEST_CHECK,
    status: failures.length > 0 ? 'fail' : 'pass',
    details: { manifest: options.manifest, checks: report.checks },
    failures,
  };
}
