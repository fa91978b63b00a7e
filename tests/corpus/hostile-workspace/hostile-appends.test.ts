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

/** An append refused because a link stands where the file belongs. */
const REFUSED_LINK = {
  exit: 1,
  status: 'error',
  errorCode: 'output_not_writable',
  mentions: ['symbolic link'],
} as const;

/** The raw file afterwards holds `text` (nothing moved out of it) or lacks it (nothing written to it). */
const rawAfterwards =
  (text: string, holds: boolean): HostileCase['check'] =>
  async ({ sandbox, expect }) => {
    const raw = await readFile(join(sandbox.root, RAW), 'utf8');
    if (holds) expect(raw).toContain(text);
    else expect(raw).not.toContain(text);
  };

/** `record --from-jsonl` of `samples` with a link leading out of the root where `path` belongs. */
function recordWithLink(what: string, path: string, samples: string) {
  return {
    name: `latency record: ${what} is a link leading out of the root`,
    job: LATENCY_RECORD,
    args: ['--from-jsonl', 'in/samples.jsonl'],
    plant: async (sandbox: Parameters<HostileCase['plant']>[0]) => {
      await plantFile(sandbox.root, 'in/samples.jsonl', samples);
      await linked(path, 'sentinel.csv')(sandbox);
    },
  };
}

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
    ...REFUSED_LINK,
    // Nothing moved: the rejected row is still in the raw file.
    check: rawAfterwards('not,a,row', true),
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
    check: rawAfterwards('2025-09-01T11:05:00Z', true),
  },
  {
    ...recordWithLink(
      'the rejects file',
      'ops/signal_latency_rejects.csv',
      '{"source":"a","latency_ms":1}\n{broken\n',
    ),
    name: 'latency record: the rejects file is a link leading out — nothing is written, not even the good samples',
    ...REFUSED_LINK,
    check: rawAfterwards(',a,1,', false),
  },
  {
    ...recordWithLink('the raw file', RAW, '{"source":"a","latency_ms":1}\n'),
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
