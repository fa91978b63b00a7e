import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LATENCY, WEEKLY } from '../support/jobs-under-test.js';
import { describeHostile, type HostileCase, LATENCY_RECORD } from './support/hostile-runner.js';
import { plantFile, plantLink } from './support/plant.js';

/**
 * Class 8 of the trust rules: every JSON-lines or CSV append — run log, rejects file, archive
 * manifest, history manifests — goes through the core's append, which refuses a symbolic link
 * (`O_NOFOLLOW`) or anything but a regular file with a clear error, and writes nothing through it.
 */

const RAW = 'ops/signal_latency.csv';
const HEADER = 'timestamp_utc,source,latency_ms,ingest_latency_ms,status,detail';

const linked = (path: string, target: string) => async (sandbox: Parameters<HostileCase['plant']>[0]) =>
  plantLink(sandbox.root, path, join(sandbox.outside, target));

const cases: HostileCase[] = [
  {
    name: 'latency: the rejects file is a link leading out of the root',
    job: LATENCY,
    plant: async (sandbox) => {
      await plantFile(
        sandbox.root,
        RAW,
        `${HEADER}\n2025-10-06T11:05:00Z,router_demo,130,,success,\nnot,a,row\n`,
      );
      await linked('ops/signal_latency_rejects.csv', 'sentinel.csv')(sandbox);
    },
    exit: 1,
    status: 'error',
    errorCode: 'output_not_writable',
    mentions: ['symbolic link'],
    check: async ({ sandbox, expect }) => {
      // Nothing moved: the rejected row is still in the raw file.
      expect(await readFile(join(sandbox.root, RAW), 'utf8')).toContain('not,a,row');
    },
  },
  {
    name: 'latency: the archive manifest is a link leading out of the root (refused before a rotation could append)',
    job: LATENCY,
    plant: async (sandbox) => {
      await plantFile(sandbox.root, RAW, `${HEADER}\n2025-09-01T11:05:00Z,router_demo,130,,success,\n`);
      await linked('ops/signal_latency_archive/manifest.jsonl', 'sentinel.txt')(sandbox);
    },
    exit: 1,
    status: 'error',
    // The manifest is read first (it lists the archives read back): a link there is refused as input.
    errorCode: 'input_unreadable',
    mentions: ['ops/signal_latency_archive/manifest.jsonl', 'symbolic link'],
    check: async ({ sandbox, expect }) => {
      expect(await readFile(join(sandbox.root, RAW), 'utf8')).toContain('2025-09-01T11:05:00Z');
    },
  },
  {
    name: 'latency record: the rejects file is a link leading out — nothing is written, not even the good samples',
    job: LATENCY_RECORD,
    args: ['--from-jsonl', 'in/samples.jsonl'],
    plant: async (sandbox) => {
      await plantFile(sandbox.root, 'in/samples.jsonl', '{"source":"a","latency_ms":1}\n{broken\n');
      await linked('ops/signal_latency_rejects.csv', 'sentinel.csv')(sandbox);
    },
    exit: 1,
    status: 'error',
    errorCode: 'output_not_writable',
    mentions: ['symbolic link'],
    check: async ({ sandbox, expect }) => {
      expect(await readFile(join(sandbox.root, RAW), 'utf8')).not.toContain(',a,1,');
    },
  },
  {
    name: 'latency record: the raw file is a link leading out of the root',
    job: LATENCY_RECORD,
    args: ['--from-jsonl', 'in/samples.jsonl'],
    plant: async (sandbox) => {
      await plantFile(sandbox.root, 'in/samples.jsonl', '{"source":"a","latency_ms":1}\n');
      await linked(RAW, 'sentinel.csv')(sandbox);
    },
    exit: 1,
    status: 'error',
    errorCode: 'input_unreadable',
    mentions: [RAW, 'symbolic link'],
  },
  {
    name: 'weekly: the run log is a link leading out of the root',
    job: WEEKLY,
    plant: linked('ops/automation_runs.log', 'sentinel.txt'),
    exit: 1,
    status: 'error',
    errorCode: 'log_write_failed',
    mentions: ['symbolic link'],
  },
];

describeHostile('hostile workspace, class 8: appends refuse links', cases);
