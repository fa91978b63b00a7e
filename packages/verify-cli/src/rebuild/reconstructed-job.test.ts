import { describe, expect, it } from 'vitest';
import { parseJobId, ReconstructedJobs, reconstructedEntry } from './reconstructed-job.js';

describe('parseJobId', () => {
  it('reads the start time and job name a job id encodes', () => {
    expect(parseJobId('20251011T113553Z-observability-latency')).toEqual({
      startedAt: new Date('2025-10-11T11:35:53Z'),
      jobName: 'observability-latency',
    });
    expect(parseJobId('20251011-latency')).toBeNull();
    expect(parseJobId('20251341T113553Z-latency')).toBeNull();
  });
});

describe('ReconstructedJobs', () => {
  it('merges a job found in several artefacts, the heartbeat deciding its status', () => {
    const jobs = new ReconstructedJobs();
    const at = new Date('2025-10-06T12:00:05Z');
    jobs.add({
      jobId: '20251006T120000Z-dashboard',
      status: 'ok',
      at,
      artefacts: ['out/a.json', 'm.json'],
      sources: ['m.json'],
    });
    jobs.add({
      jobId: '20251006T120000Z-dashboard',
      status: 'error',
      errorCode: 'missing_input',
      at: new Date('2025-10-06T12:00:04Z'),
      artefacts: ['hb.json', 'm.json'],
      sources: ['hb.json'],
      statusFromHeartbeat: true,
    });
    const [job] = jobs.sorted();
    expect(job).toMatchObject({
      status: 'error',
      errorCode: 'missing_input',
      sources: ['m.json', 'hb.json'],
    });
    expect(job?.artefacts).toEqual(['out/a.json', 'm.json', 'hb.json']);
    expect(reconstructedEntry(job as never)).toMatchObject({
      job_name: 'dashboard',
      started_at: '2025-10-06T12:00:00.000Z',
      logged_at: '2025-10-06T12:00:04.000Z',
      duration_ms: 4000,
      diagnostics: { reconstructed: true, error_code: 'missing_input' },
    });
  });
});
