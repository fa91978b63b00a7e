#!/usr/bin/env node
// Appends --count entries to a run log through appendRunLog on the built core, as fast as it can:
// the writer side of the concurrent-logging tests.
// usage: append-log.mjs --log-file <path> --sequence-file <path> --count <n> --job-name <name>
import { parseArgs } from 'node:util';
import { appendRunLog, makeJobId } from '../../dist/index.js';

const { values } = parseArgs({
  options: {
    'log-file': { type: 'string' },
    'sequence-file': { type: 'string' },
    count: { type: 'string', default: '1' },
    'job-name': { type: 'string', default: 'writer' },
  },
});
const logFile = values['log-file'];
const sequenceFile = values['sequence-file'];
if (!logFile || !sequenceFile) {
  process.stderr.write('--log-file and --sequence-file are required\n');
  process.exit(2);
}
const jobName = values['job-name'];
const startedAt = new Date();
for (let index = 0; index < Number(values.count); index += 1) {
  await appendRunLog(
    {
      job_id: makeJobId(jobName, startedAt),
      job_name: jobName,
      status: 'ok',
      started_at: startedAt.toISOString(),
      duration_ms: 0,
      attempts: 1,
      artefacts: [`out/${jobName}/${index}.json`],
      alerts: [],
      diagnostics: { writer_pid: process.pid, index },
      context: { commit_sha: 'test-sha', environment: 'test', scheduler: 'unknown' },
    },
    { logFile, sequenceFile },
  );
}
