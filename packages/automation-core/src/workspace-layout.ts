/**
 * Where every file of a workspace lives by default, relative to the workspace root. Every job,
 * obs-verify, obs-status and the docs take their defaults from here; a flag or config key may
 * move any of them.
 */
export const WORKSPACE_LAYOUT = {
  runLog: 'ops/automation_runs.log',
  sequenceFile: 'ops/automation_runs.sequence',
  /** sealed segments of the run log, beside it and named after it (see runLogSegmentPaths) */
  runLogSegmentDir: 'ops/automation_runs',
  runLogSegmentManifest: 'ops/automation_runs/manifest.jsonl',
  metricsDir: 'ops/metrics',
  kpiReportDir: 'reports/kpi',

  latencyConfig: 'configs/observability/latency.yaml',
  latencyAlertConfig: 'configs/observability/latency_alert.yaml',
  weeklyConfig: 'configs/observability/weekly_payload.yaml',
  dashboardConfig: 'configs/observability/dashboard_export.yaml',
  automationConfig: 'configs/observability/automation.yaml',
  notificationsConfig: 'configs/observability/notifications.yaml',
  notificationStateDir: 'ops/notifications',
  notificationDryRunDir: 'out/notifications',
  notificationRetentionManifest: 'ops/notifications/retention.jsonl',

  latencyLock: 'ops/.latency.lock',
  weeklyLock: 'ops/.weekly.lock',
  dashboardLock: 'ops/.dashboard.lock',
  verifyLock: 'ops/.verify.lock',
  rebuildLogLock: 'ops/.rebuild-log.lock',
  dailyLock: 'ops/.daily.lock',

  verifyHeartbeat: 'ops/verify_heartbeat.json',
  dailyHeartbeat: 'ops/daily_heartbeat.json',
  statusConfig: 'configs/observability/status.yaml',

  latencyRaw: 'ops/signal_latency.csv',
  latencyRejects: 'ops/signal_latency_rejects.csv',
  latencyRollup: 'ops/signal_latency_rollup.csv',
  latencyArchiveDir: 'ops/signal_latency_archive',
  latencyArchiveManifest: 'ops/signal_latency_archive/manifest.jsonl',
  latencyRetentionManifest: 'ops/latency_retention_manifest.jsonl',
  latencyAlertDryRunDir: 'out/latency_alerts',
  latencyHeartbeat: 'ops/latency_job_heartbeat.json',

  runsRoot: 'runs',
  portfolioSummary: 'reports/portfolio_summary.json',
  benchmarkSummary: 'reports/benchmark_summary.json',
  healthChecks: 'ops/health/state_checks.json',
  weeklyHistoryDir: 'ops/weekly_report_history',
  weeklyHistoryManifest: 'ops/weekly_report_history/manifest.jsonl',
  weeklyDryRunDir: 'out/weekly_report',
  weeklyRetentionManifest: 'ops/weekly_retention_manifest.jsonl',
  weeklyHeartbeat: 'ops/weekly_report_heartbeat.json',

  stateArchiveDir: 'ops/state_archive',
  routerTelemetry: 'reports/portfolio_samples/router_demo/telemetry.json',
  dashboardOutDir: 'out/dashboard',
  dashboardManifest: 'out/dashboard/manifest.json',
  dashboardHistoryDir: 'ops/dashboard_export_history',
  /** obs-verify's record of the history bundles and reference day files it has verified */
  dashboardHistoryRecord: 'ops/automation_runs/dashboard-history-verification.json',
  dashboardArchiveManifest: 'ops/dashboard_export_archive_manifest.jsonl',
  dashboardHeartbeat: 'ops/dashboard_export_heartbeat.json',
} as const;

export type WorkspaceFile = keyof typeof WORKSPACE_LAYOUT;
