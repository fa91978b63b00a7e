import { JOB_ID_PATTERN, type JobStatus, type RunLogEntry } from '@obs-automation/core';

/** What an artefact tells about a job run the log may have lost. */
export interface ReconstructedJob {
  jobId: string;
  status: JobStatus;
  /** when the artefact says the run ended */
  at: Date;
  artefacts: string[];
  /** root-relative paths of the artefacts the job was reconstructed from */
  sources: string[];
  errorCode?: string;
  attempts?: number;
  summary?: Record<string, unknown>;
  /** a heartbeat records how the run ended; its status wins over other sources' */
  statusFromHeartbeat?: boolean;
}

const JOB_ID_STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-(.+)$/;

/** The start time and job name a job id encodes (`YYYYMMDDThhmmssZ-<slug>`). */
export function parseJobId(jobId: string): { startedAt: Date; jobName: string } | null {
  if (!JOB_ID_PATTERN.test(jobId)) return null;
  const [, year, month, day, hour, minute, second, slug] = JOB_ID_STAMP.exec(jobId) as RegExpExecArray;
  const startedAt = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(startedAt.getTime()) ? null : { startedAt, jobName: slug as string };
}

/** An artefact, or a line of one, that names a job but cannot become a valid log entry. */
export interface NotReconstructed {
  source: string;
  reason: string;
}

/** Jobs found in several artefacts become one: the heartbeat's status wins, artefacts are united. */
export class ReconstructedJobs {
  private readonly jobs = new Map<string, ReconstructedJob>();
  readonly notReconstructed: NotReconstructed[] = [];

  reject(source: string, reason: string): void {
    this.notReconstructed.push({ source, reason });
  }

  add(job: ReconstructedJob): void {
    const known = this.jobs.get(job.jobId);
    if (!known) {
      this.jobs.set(job.jobId, { ...job, artefacts: [...new Set(job.artefacts)], sources: [...job.sources] });
      return;
    }
    const statusSource = job.statusFromHeartbeat && !known.statusFromHeartbeat ? job : known;
    this.jobs.set(job.jobId, {
      ...known,
      status: statusSource.status,
      errorCode: statusSource.errorCode,
      statusFromHeartbeat: known.statusFromHeartbeat || job.statusFromHeartbeat,
      at: new Date(Math.min(job.at.getTime(), known.at.getTime())),
      artefacts: [...new Set([...known.artefacts, ...job.artefacts])],
      sources: [...new Set([...known.sources, ...job.sources])],
      attempts: known.attempts ?? job.attempts,
      summary: { ...job.summary, ...known.summary },
    });
  }

  /** Drops a job the log already has. */
  delete(jobId: string): void {
    this.jobs.delete(jobId);
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Oldest first. */
  sorted(): ReconstructedJob[] {
    return [...this.jobs.values()].sort(
      (a, b) => a.at.getTime() - b.at.getTime() || (a.jobId < b.jobId ? -1 : 1),
    );
  }
}

const UNKNOWN_CONTEXT = { commit_sha: 'unknown', environment: 'unknown', scheduler: 'unknown' };

/** The log entry for a reconstructed job (without its sequence, given when the log is written). */
export function reconstructedEntry(job: ReconstructedJob): Omit<RunLogEntry, 'sequence'> {
  const parsed = parseJobId(job.jobId);
  const startedAt = parsed && parsed.startedAt <= job.at ? parsed.startedAt : job.at;
  return {
    job_id: job.jobId,
    job_name: parsed?.jobName ?? job.jobId,
    status: job.status,
    logged_at: job.at.toISOString(),
    started_at: startedAt.toISOString(),
    duration_ms: job.at.getTime() - startedAt.getTime(),
    attempts: job.attempts ?? 1,
    artefacts: job.artefacts,
    alerts: [],
    diagnostics: {
      reconstructed: true,
      reconstructed_from: job.sources,
      ...(job.errorCode ? { error_code: job.errorCode } : {}),
    },
    context: UNKNOWN_CONTEXT,
    ...(job.summary ? { summary: job.summary } : {}),
  };
}
