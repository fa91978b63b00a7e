import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from '../support/cli-process.js';
import { APPEND_LOG, readRunLog, sequencesOf } from './core-processes.js';

const WRITERS = 8;
const ENTRIES_PER_WRITER = 200;

let workspace: Awaited<ReturnType<typeof makeWorkspace>>;

beforeEach(async () => {
  workspace = await makeWorkspace('obs-core-concurrency-');
});

afterEach(async () => {
  await workspace.cleanup();
});

describe('concurrent logging', () => {
  it(`${WRITERS} processes × ${ENTRIES_PER_WRITER} entries → sequences exactly 1..${WRITERS * ENTRIES_PER_WRITER}, no torn line`, async () => {
    const logFile = join(workspace.root, 'ops/automation_runs.log');
    const sequenceFile = join(workspace.root, 'ops/automation_runs.sequence');
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, writer) =>
        runCli(APPEND_LOG, [
          '--log-file',
          logFile,
          '--sequence-file',
          sequenceFile,
          '--count',
          String(ENTRIES_PER_WRITER),
          '--job-name',
          `writer-${writer}`,
        ]),
      ),
    );
    for (const result of results) expect(result.exitCode, result.stderr).toBe(0);

    const entries = await readRunLog(logFile);
    const total = WRITERS * ENTRIES_PER_WRITER;
    expect(entries).toHaveLength(total);
    expect(sequencesOf(entries).sort((a, b) => a - b)).toEqual(
      Array.from({ length: total }, (_, index) => index + 1),
    );
    // In file order too: each entry was numbered and appended under the same lock.
    expect(sequencesOf(entries)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    for (let writer = 0; writer < WRITERS; writer += 1) {
      const own = entries.filter((entry) => entry.job_name === `writer-${writer}`);
      expect(own.map((entry) => entry.diagnostics.index)).toEqual(
        Array.from({ length: ENTRIES_PER_WRITER }, (_, index) => index),
      );
    }
    expect(JSON.parse(await readFile(sequenceFile, 'utf8'))).toMatchObject({ value: total });
  });
});
