import { join } from 'node:path';
import { type JobContext, type SchemaIssue, schemaValidator, writeFileAtomic } from '@obs-automation/core';
import type { WeeklyPayload } from './weekly-payload.js';

export interface InvalidPayload {
  issues: SchemaIssue[];
  /** absolute path of `<dry-run-dir>/<job_id>_invalid.json` */
  file: string;
}

/**
 * Validates the payload against the JSON Schema. On failure the errors and the payload are kept
 * in `<job_id>_invalid.json` and each error is written to stderr.
 */
export async function validatePayload(
  payload: WeeklyPayload,
  schemaPath: string,
  dryRunDir: string,
  context: Pick<JobContext, 'jobId' | 'reportProblem'>,
): Promise<InvalidPayload | null> {
  const validate = await schemaValidator(schemaPath);
  const issues = validate(payload);
  if (issues.length === 0) return null;
  const file = join(dryRunDir, `${context.jobId}_invalid.json`);
  await writeFileAtomic(file, `${JSON.stringify({ errors: issues, payload }, null, 2)}\n`);
  for (const issue of issues) {
    context.reportProblem(
      'schema_validation_failed',
      `payload schema violation at ${issue.path}: ${issue.message}`,
    );
  }
  return { issues, file };
}
