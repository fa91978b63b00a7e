import { errorCodeOrNull, isJsonObject, shownTextOrNull, timestampOrNull } from '../json-fields.js';

export interface RecordedFailure {
  errorCode: string;
  jobId: string | null;
  at: Date | null;
}

/**
 * The fields every job's heartbeat carries (see buildHeartbeat), read without trusting them:
 * texts escaped, timestamps parsed. A field that is present but not what it should be is listed
 * in `invalidFields` and read as absent.
 */
export interface HeartbeatFacts {
  jobId: string | null;
  status: string | null;
  generatedAt: Date | null;
  /** the last real (not dry-run) success */
  lastSuccessAt: Date | null;
  lastDryRunAt: Date | null;
  lastFailure: RecordedFailure | null;
  /** the code the newest real run ended `warning` with (`last_warning`) */
  lastWarning: RecordedFailure | null;
  invalidFields: string[];
}

const TIMESTAMP_FIELDS = ['generated_at', 'last_success_at', 'last_dry_run_at'] as const;

export function heartbeatFacts(data: Record<string, unknown>): HeartbeatFacts {
  const invalidFields: string[] = [];
  const time = (field: (typeof TIMESTAMP_FIELDS)[number]): Date | null => {
    const value = data[field];
    if (value === undefined || value === null) return null;
    const at = timestampOrNull(value);
    if (!at) invalidFields.push(field);
    return at;
  };
  const recorded = (field: 'last_failure' | 'last_warning'): RecordedFailure | null => {
    const value = data[field];
    if (isJsonObject(value)) {
      return {
        errorCode: errorCodeOrNull(value.error_code) ?? 'internal_error',
        jobId: shownTextOrNull(value.job_id, 80),
        at: timestampOrNull(value.at),
      };
    }
    if (value !== undefined && value !== null) invalidFields.push(field);
    return null;
  };
  const lastFailure = recorded('last_failure');
  const lastWarning = recorded('last_warning');
  return {
    jobId: shownTextOrNull(data.job_id, 80),
    status: shownTextOrNull(data.status, 20),
    generatedAt: time('generated_at'),
    lastSuccessAt: time('last_success_at'),
    lastDryRunAt: time('last_dry_run_at'),
    lastFailure,
    lastWarning,
    invalidFields,
  };
}
