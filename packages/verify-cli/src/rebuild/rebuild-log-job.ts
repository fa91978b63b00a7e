import { open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  bundledSchemaPath,
  commitTempFile,
  faultPoint,
  finishInterruptedSeal,
  formatSchemaIssues,
  type JobContext,
  type JobDefinition,
  type JobOutcome,
  makeFolder,
  mappingWriteFailure,
  RUN_LOG_SCHEMA,
  readSealedSegment,
  runLogFiles,
  type SegmentManifest,
  schemaValidator,
  sealedThrough,
  tempPathFor,
  trustedSegmentManifest,
  type Validator,
} from '@obs-automation/core';
import { REBUILD_LOG_EARLIER_FLAGS } from '../earlier-flags.js';
import { fileSize } from '../log/file-size.js';
import { FirstItems, REPORTED_LINES } from '../log/first-items.js';
import { withRunLogLock } from '../log/run-log-snapshot.js';
import { keptEntriesByTime, type LogRecord } from './kept-entries.js';
import { type LogPartition, partitionLog } from './log-partition.js';
import { backUpLog, replaceLog } from './log-replacement.js';
import { writeMergedLog } from './merged-log-writer.js';
import {
  finalizeRebuildLogOptions,
  REBUILD_LOG_OPTIONS,
  type RebuildLogOptions,
} from './rebuild-log-options.js';
import { rebuildSummaryFacts } from './rebuild-summary-facts.js';
import { reconstructJobs } from './reconstruct-jobs.js';
import { type ReconstructedJobs, reconstructedEntry } from './reconstructed-job.js';

interface RebuildPaths {
  log: string;
  sequence: string;
  output: string;
  corrupt: string;
}

/**
 * The jobs sealed segments already hold are not reconstructed: each segment is read (checked
 * against its manifest hash first; one that fails stops the rebuild with its code).
 */
async function dropSealedJobs(
  files: ReturnType<typeof runLogFiles>,
  manifest: SegmentManifest,
  jobs: ReconstructedJobs,
): Promise<void> {
  for (const segment of manifest.live) {
    await readSealedSegment(files, segment, (line) => {
      if (line.text === null) return;
      try {
        const entry = JSON.parse(line.text) as { job_id?: unknown } | null;
        if (typeof entry?.job_id === 'string') jobs.delete(entry.job_id);
      } catch {}
    });
  }
}

interface RebuildResult {
  partition: LogPartition;
  reconstructed: LogRecord[];
  lastSequence: number;
  corruptWritten: boolean;
}

/** Entries for the jobs the log lacks, oldest first; one that fails the run schema is reported, not written. */
function reconstructedEntries(jobs: ReconstructedJobs, validate: Validator): LogRecord[] {
  const entries: LogRecord[] = [];
  for (const job of jobs.sorted()) {
    const entry = reconstructedEntry(job) as LogRecord;
    const issues = validate({ ...entry, sequence: 1 });
    if (issues.length > 0) jobs.reject(job.sources.join(', '), `${job.jobId}: ${formatSchemaIssues(issues)}`);
    else entries.push(entry);
  }
  return entries;
}

function noLog(): LogPartition {
  return { kept: 0, corrupt: 0, corruptLines: new FirstItems(REPORTED_LINES), inTimeOrder: true };
}

/** Opens a temporary file for writing; a failure names the file it stands for, never the temporary one. */
function openTemp(temp: string, target: string) {
  return mappingWriteFailure(target, () => open(temp, 'w'));
}

/**
 * Writes the rebuilt log to --output and the set-aside lines to `<log>.corrupt`, from the
 * first `size` bytes of the log (null: there is no log).
 */
async function rebuild(
  paths: RebuildPaths,
  size: number | null,
  jobs: ReconstructedJobs,
  validate: Validator,
  context: JobContext,
  firstSequenceAfter: number,
): Promise<RebuildResult> {
  await makeFolder(dirname(paths.output), paths.output);
  const keptTemp = tempPathFor(`${paths.output}.kept`);
  const corruptTemp = tempPathFor(paths.corrupt);
  const outputTemp = tempPathFor(paths.output);
  try {
    const kept = await openTemp(keptTemp, paths.output);
    const corrupt = await openTemp(corruptTemp, paths.corrupt);
    let partition = noLog();
    try {
      if (size !== null) {
        partition = await partitionLog(paths.log, size, validate, kept, corrupt, (entry) =>
          jobs.delete(String(entry.job_id)),
        );
      }
    } finally {
      await kept.close();
      await corrupt.close();
    }
    context.checkpoint();
    const reconstructed = reconstructedEntries(jobs, validate);
    const output = await openTemp(outputTemp, paths.output);
    let lastSequence: number;
    try {
      lastSequence = await writeMergedLog(
        output,
        keptEntriesByTime(keptTemp, partition.inTimeOrder),
        reconstructed,
        firstSequenceAfter,
      );
    } finally {
      await output.close();
    }
    context.checkpoint();
    await commitTempFile(outputTemp, paths.output);
    if (partition.corrupt > 0) await commitTempFile(corruptTemp, paths.corrupt);
    return { partition, reconstructed, lastSequence, corruptWritten: partition.corrupt > 0 };
  } finally {
    await Promise.all([keptTemp, corruptTemp, outputTemp].map((path) => rm(path, { force: true })));
  }
}

interface RebuildRun {
  paths: RebuildPaths;
  jobs: ReconstructedJobs;
  result: RebuildResult;
  backup: string | null;
}

async function runRebuild(options: RebuildLogOptions, context: JobContext): Promise<RebuildRun> {
  const paths: RebuildPaths = {
    log: context.resolvePath(options.logFile),
    sequence: context.resolvePath(options.sequenceFile),
    output: context.resolvePath(options.output),
    corrupt: `${context.resolvePath(options.logFile)}.corrupt`,
  };
  const validate = await schemaValidator(bundledSchemaPath(RUN_LOG_SCHEMA));
  const jobs = await reconstructJobs(context.root);
  // Sealed segments are verified and never rewritten: the open log is rebuilt, numbered after them.
  const files = runLogFiles(context.root, paths.log);
  const manifest = await trustedSegmentManifest(files);
  await dropSealedJobs(files, manifest, jobs);
  const after = sealedThrough(manifest) ?? 0;
  if (!options.apply) {
    // Read up to the log's length at one instant; appends meanwhile are simply not included.
    const size = await withRunLogLock(paths.log, async () => {
      await finishInterruptedSeal(paths.log, manifest);
      return fileSize(paths.log, context.relativePath(paths.log));
    });
    return { paths, jobs, result: await rebuild(paths, size, jobs, validate, context, after), backup: null };
  }
  // Replacing the log: no append may land between reading it and replacing it.
  return withRunLogLock(paths.log, async () => {
    await finishInterruptedSeal(paths.log, manifest);
    const size = await fileSize(paths.log, context.relativePath(paths.log));
    const result = await rebuild(paths, size, jobs, validate, context, after);
    const backup = size === null ? null : await backUpLog(paths.log, context.now);
    faultPoint('rebuild-log:after-backup');
    await replaceLog(paths.log, paths.output, paths.sequence, result.lastSequence, context.now);
    return { paths, jobs, result, backup };
  });
}

/** The summary: `kept`, `reconstructed`, `corrupt`, `output`; a warning when lines were set aside. */
function rebuildOutcome(
  options: RebuildLogOptions,
  { paths, jobs, result, backup }: RebuildRun,
  shown: (path: string) => string,
): JobOutcome {
  const { kept, corrupt, corruptLines } = result.partition;
  const corruptFile = result.corruptWritten ? shown(paths.corrupt) : null;
  const problems = [
    ...(corrupt > 0
      ? [
          `${shown(paths.log)}:${corruptLines.items[0]?.line}: ${corruptLines.items[0]?.reason}; ${corrupt} invalid line(s) set aside in ${corruptFile}`,
        ]
      : []),
    ...(jobs.notReconstructed.length > 0
      ? [`${jobs.notReconstructed.length} artefact record(s) could not be reconstructed`]
      : []),
  ];
  return {
    status: problems.length > 0 ? 'warning' : 'ok',
    artefacts: [
      shown(paths.output),
      ...(corruptFile ? [corruptFile] : []),
      ...(options.apply ? [shown(paths.log), shown(paths.sequence)] : []),
      ...(backup ? [shown(backup)] : []),
    ],
    summary: {
      kept,
      reconstructed: result.reconstructed.length,
      corrupt,
      output: shown(paths.output),
      applied: options.apply,
      backup: backup ? shown(backup) : null,
      corrupt_file: corruptFile,
      last_sequence: result.lastSequence,
      corrupt_lines: corruptLines.items,
      reconstructed_jobs: result.reconstructed.slice(0, REPORTED_LINES).map((entry) => entry.job_id),
      not_reconstructed: jobs.notReconstructed.slice(0, REPORTED_LINES),
    },
    diagnostics:
      problems.length > 0
        ? {
            error_code: corrupt > 0 ? 'corrupt_lines' : 'artefacts_not_reconstructed',
            error_message: problems.join('; '),
          }
        : {},
  };
}

/** `obs-verify rebuild-log`. */
export const rebuildLogJob: JobDefinition<typeof REBUILD_LOG_OPTIONS.declarations, RebuildLogOptions> = {
  name: 'rebuild-log',
  description: [
    'Rebuilds a lost or corrupt run log: keeps every valid line, moves invalid ones to <log>.corrupt',
    'with their line numbers, adds entries reconstructed from the artefacts for runs the log lacks',
    '(heartbeats, dashboard manifest and history, latency archive manifest, weekly history manifest),',
    'orders by time and numbers the sequence from 1 — or, when sealed segments hold the older',
    'entries, rebuilds the open log only, numbered after the last sealed sequence.',
  ].join(' '),
  examples: [
    'obs-verify rebuild-log',
    'obs-verify rebuild-log --output /tmp/automation_runs.rebuilt',
    'obs-verify rebuild-log --apply --log-file ops/automation_runs.log --sequence-file ops/automation_runs.sequence',
  ],
  options: REBUILD_LOG_OPTIONS,
  describeSummary: rebuildSummaryFacts,
  flagMigrations: REBUILD_LOG_EARLIER_FLAGS,
  lockFile: (options) => options.lockFile,
  finalize: finalizeRebuildLogOptions,
  async run(options, context) {
    return rebuildOutcome(options, await runRebuild(options, context), (path) => context.relativePath(path));
  },
};
