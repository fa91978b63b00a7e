/** Where the jobs keep the artefacts verification and log reconstruction read, by default. */
export const DEFAULT_HEARTBEATS = [
  'ops/latency_job_heartbeat.json',
  'ops/weekly_report_heartbeat.json',
  'ops/dashboard_export_heartbeat.json',
];
export const DEFAULT_DASHBOARD_MANIFEST = 'out/dashboard/manifest.json';
export const DEFAULT_DASHBOARD_HISTORY = 'ops/dashboard_export_history';
export const DEFAULT_DASHBOARD_ARCHIVE_MANIFEST = 'ops/dashboard_export_archive_manifest.jsonl';
export const DEFAULT_WEEKLY_HISTORY_MANIFEST = 'ops/weekly_report_history/manifest.jsonl';
