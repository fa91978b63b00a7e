import type { JobStatus } from './job-error.js';

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface LogAlert {
  id: string;
  severity: AlertSeverity;
  message: string;
  breach_range?: { start: string; end: string } | string | null;
  evidence_path?: string | null;
  [extra: string]: unknown;
}

export interface RunLogContext {
  commit_sha: string;
  environment: string;
  scheduler: string;
}

/** One line of ops/automation_runs.log (schemas/automation_run.schema.json). */
export interface RunLogEntry {
  job_id: string;
  job_name: string;
  status: JobStatus;
  sequence?: number;
  logged_at: string;
  started_at: string;
  duration_ms: number;
  attempts: number;
  artefacts: string[];
  alerts: LogAlert[];
  diagnostics: Record<string, unknown>;
  parent_job_id?: string;
  context: RunLogContext;
  summary?: Record<string, unknown>;
}
