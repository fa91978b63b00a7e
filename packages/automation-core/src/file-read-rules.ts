/**
 * What the jobs read from a workspace, by kind: the most a whole-file read may take, and whether
 * the file may be a symbolic link. One table, mirrored in docs/runbook.md ("Security and trust").
 *
 * Links are followed where an operator may legitimately place one (configs mounted from a
 * Kubernetes ConfigMap are links; inputs produced by other systems are often linked into the
 * workspace). Files the jobs write themselves, replacing them atomically, are never links: a
 * link there was put by someone else and is refused.
 */
export type FileKind =
  | 'heartbeat'
  | 'notification_state'
  | 'sequence_file'
  | 'lock_owner'
  | 'config'
  | 'rotation_journal'
  | 'manifest'
  | 'history_record'
  | 'signature'
  | 'json_input'
  | 'dataset'
  | 'json_artefact'
  | 'run_log'
  | 'run_log_segment'
  | 'verification_record'
  | 'kpi_digest'
  | 'jsonl_manifest'
  | 'manifest_checkpoint'
  | 'csv_input'
  | 'jsonl_input'
  | 'raw_samples'
  | 'archive'
  | 'artefact'
  | 'metrics_textfile'
  | 'git_metadata';

export interface FileReadRule {
  /** the most a whole-file read takes; null for files only ever streamed (lines are capped by their readers) */
  maxBytes: number | null;
  followSymlinks: boolean;
  /** for people: which files are of this kind */
  description: string;
}

const KIB = 1024;
const MIB = 1024 * KIB;

export const FILE_READ_RULES: Readonly<Record<FileKind, FileReadRule>> = {
  heartbeat: { maxBytes: 4 * MIB, followSymlinks: false, description: 'ops/*_heartbeat.json' },
  notification_state: {
    maxBytes: 4 * MIB,
    followSymlinks: false,
    description: 'ops/notifications/<job>.json',
  },
  sequence_file: { maxBytes: 64 * KIB, followSymlinks: false, description: 'ops/automation_runs.sequence' },
  lock_owner: {
    maxBytes: 4 * KIB,
    followSymlinks: false,
    description: 'the owner record inside a lock folder',
  },
  config: { maxBytes: 1 * MIB, followSymlinks: true, description: 'configs/*.yaml' },
  rotation_journal: {
    maxBytes: 1 * MIB,
    followSymlinks: false,
    description: 'ops/.signal_latency.csv.rotation.json',
  },
  manifest: {
    maxBytes: 16 * MIB,
    followSymlinks: false,
    description: 'out/dashboard/manifest.json, a bundle manifest',
  },
  history_record: {
    maxBytes: 64 * MIB,
    followSymlinks: false,
    description: 'weekly and dashboard history files',
  },
  signature: { maxBytes: 64 * KIB, followSymlinks: false, description: 'ops/weekly_report_history/*.sig' },
  json_input: {
    maxBytes: 64 * MIB,
    followSymlinks: true,
    description: 'JSON inputs from other systems (portfolio summary, state exports, --provenance)',
  },
  dataset: {
    maxBytes: 64 * MIB,
    followSymlinks: false,
    description: 'out/dashboard/<dataset>.json and the page index.html, in a bundle or its history copy',
  },
  json_artefact: {
    maxBytes: 64 * MIB,
    followSymlinks: false,
    description: 'a JSON artefact a run lists (a manifest, a weekly payload), read back by the job trace',
  },
  run_log: { maxBytes: null, followSymlinks: false, description: 'ops/automation_runs.log' },
  run_log_segment: {
    maxBytes: null,
    followSymlinks: false,
    description: 'ops/automation_runs/*.log.gz, sealed run-log segments (unpacked up to the size on record)',
  },
  verification_record: {
    // a line per kept dashboard bundle: ~150 bytes each, ~5,400 in the default 56-day window
    maxBytes: 32 * MIB,
    followSymlinks: false,
    description: 'ops/automation_runs/verification.json and dashboard-history-verification.json',
  },
  kpi_digest: {
    // a few thousand distinct durations per job; 16 MiB leaves room for segments sealed far larger
    maxBytes: 16 * MIB,
    followSymlinks: false,
    description: 'ops/automation_runs/*.kpi.json, the KPI digest of each sealed segment',
  },
  manifest_checkpoint: {
    maxBytes: 16 * MIB,
    followSymlinks: false,
    description: 'ops/signal_latency_archive/manifest.jsonl.checkpoint.json',
  },
  jsonl_manifest: {
    maxBytes: null,
    followSymlinks: false,
    description: 'manifest.jsonl files, archive manifests, dashboard history reference day files',
  },
  csv_input: {
    maxBytes: null,
    followSymlinks: true,
    description: 'CSV inputs from other systems (runs index, daily.csv)',
  },
  jsonl_input: {
    maxBytes: null,
    followSymlinks: true,
    description: 'JSON-lines inputs from other systems (obs-latency record --from-jsonl)',
  },
  raw_samples: {
    maxBytes: null,
    followSymlinks: false,
    description: 'ops/signal_latency.csv, ops/signal_latency_rejects.csv',
  },
  archive: { maxBytes: null, followSymlinks: false, description: 'ops/signal_latency_archive/**/*.csv.gz' },
  artefact: {
    maxBytes: null,
    followSymlinks: false,
    description: 'any file a job wrote, hashed against the checksum on record',
  },
  metrics_textfile: {
    maxBytes: 1 * MIB,
    followSymlinks: false,
    description: 'ops/metrics/obs_<job>.prom (the previous values a run carries over)',
  },
  git_metadata: {
    maxBytes: 4 * MIB,
    followSymlinks: true,
    description: "git's HEAD, refs, packed-refs, commondir and .git pointer, for a run's commit",
  },
};
