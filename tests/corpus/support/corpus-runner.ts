import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest';
import { type CliResult, cleanEnv, makeWorkspace, runCli } from '../../support/cli-process.js';
import { concurrencyLimit } from './concurrency-limit.js';
import type { CorpusCase, CorpusTable, JsonDocument } from './corpus-case.js';
import { changedFiles, snapshotWorkspace } from './workspace-snapshot.js';

/** How many CLI processes one table runs at once. */
const CASES_AT_ONCE = 4;

/** What every job's summary carries (00-overview: one JSON document on every exit path). */
const SUMMARY_KEYS = ['status', 'job_id', 'duration_ms', 'artefacts', 'diagnostics'];

/** A frame of a JavaScript stack trace as node prints it. */
const STACK_FRAME = /^\s+at .+(?::\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

/** The summary must not carry the input it complains about: a 10 MB line stays out of stdout. */
const MAX_SUMMARY_BYTES = 64 * 1024;

async function writeCaseFiles(root: string, files: CorpusCase['files']): Promise<void> {
  for (const [path, content] of Object.entries(files ?? {})) {
    const absolute = join(root, path);
    if (content === null) {
      await rm(absolute, { recursive: true, force: true });
      continue;
    }
    await mkdir(dirname(absolute), { recursive: true });
    await writeFile(
      absolute,
      typeof content === 'function' ? content(await readFile(absolute, 'utf8')) : content,
    );
  }
}

function argvOf(table: CorpusTable, testCase: CorpusCase, root: string): string[] {
  return [
    ...(testCase.command ?? []),
    '--root',
    root,
    '--now',
    testCase.now ?? table.now,
    ...(testCase.ownArgsOnly ? [] : table.args),
    ...(testCase.args ?? []),
  ];
}

/** Stdout must be exactly one JSON document: the whole text parses, as one object. */
function parseSummary(result: CliResult, expect: ExpectStatic): JsonDocument {
  let summary: unknown;
  try {
    summary = JSON.parse(result.stdout);
  } catch (error) {
    expect.fail(
      `stdout is not exactly one JSON document (${(error as Error).message}):\n${result.stdout.slice(0, 2000)}\n` +
        `stderr:\n${result.stderr.slice(0, 2000)}`,
    );
  }
  expect(summary, 'stdout is a JSON object').toBeTypeOf('object');
  expect(Array.isArray(summary), 'stdout is a JSON object, not a list').toBe(false);
  expect(result.stdout.length, 'the summary stays small whatever the input').toBeLessThan(MAX_SUMMARY_BYTES);
  return summary as JsonDocument;
}

/** Exit code, status, error code, the message's contents, and no stack trace left to explain alone. */
function expectOutcome(testCase: CorpusCase, result: CliResult, summary: JsonDocument, expect: ExpectStatic) {
  const context = `stdout:\n${result.stdout.slice(0, 3000)}\nstderr:\n${result.stderr.slice(0, 3000)}`;
  for (const key of SUMMARY_KEYS) expect(summary, `summary key ${key}\n${context}`).toHaveProperty(key);
  expect(summary.status, context).toBe(testCase.status);
  expect(result.exitCode, context).toBe(testCase.exit);
  const diagnostics: JsonDocument = summary.diagnostics;
  expect(diagnostics.error_code ?? null, context).toBe(testCase.errorCode);
  if (testCase.message) {
    const message = diagnostics.error_message;
    expect(message, context).toBeTypeOf('string');
    expect(testCase.message.test(message), `error_message ${testCase.message.description}: ${message}`).toBe(
      true,
    );
  }
  if (STACK_FRAME.test(result.stderr)) {
    // A stack on stderr is allowed only beside a summary that explains the failure itself.
    expect(diagnostics.error_code, `stderr has a stack trace\n${context}`).not.toBe('internal_error');
    if (testCase.status === 'error') expect(diagnostics.error_message, context).toBeTruthy();
  }
  if (testCase.summary) expect(summary, context).toMatchObject(testCase.summary);
}

async function runCase(
  table: CorpusTable,
  testCase: CorpusCase,
  template: string,
  expect: ExpectStatic,
): Promise<void> {
  if (testCase.errorCode !== null && !testCase.message)
    throw new Error(`case "${testCase.name}" expects ${testCase.errorCode} but says nothing of its message`);
  const { root, cleanup } = await makeWorkspace('obs-corpus-');
  try {
    await cp(template, root, { recursive: true });
    await writeCaseFiles(root, testCase.files);
    const before = await snapshotWorkspace(root);
    const rowsBefore = new Map<string, Buffer>();
    for (const store of table.rowStores ?? []) {
      if (existsSync(join(root, store.file)))
        rowsBefore.set(store.file, await readFile(join(root, store.file)));
    }

    const result = await runCli(table.binary, argvOf(table, testCase, root), { env: cleanEnv() });
    const summary = parseSummary(result, expect);
    expectOutcome(testCase, result, summary, expect);

    // Nothing the user wrote is lost: inputs stay byte-for-byte as they were, and a file the job
    // may rewrite (the raw latency samples) keeps each of its rows somewhere.
    const rewritable = new Set((table.rowStores ?? []).map((store) => store.file));
    const mayChange = (path: string) => rewritable.has(path) || (table.outputs?.(path) ?? false);
    expect(changedFiles(before, await snapshotWorkspace(root), mayChange), 'inputs changed').toEqual([]);
    for (const [file, original] of rowsBefore) {
      const store = table.rowStores?.find((item) => item.file === file);
      expect(await store?.lostRows(root, original), `rows of ${file} lost`).toEqual([]);
    }
    await testCase.check?.({ root, result, summary, expect });
  } finally {
    await cleanup();
  }
}

/**
 * Registers one job's corpus: the base workspace is written once, every case runs the built
 * binary on its own copy of it (at most CASES_AT_ONCE at a time) and is checked for the exit
 * code, status, error code, a message naming the file and line or key, exactly one JSON document
 * on stdout, no bare stack trace, and no input changed or row lost.
 */
export function describeCorpus(table: CorpusTable): void {
  describe(table.title, () => {
    let template: Awaited<ReturnType<typeof makeWorkspace>>;
    const limited = concurrencyLimit(CASES_AT_ONCE);
    beforeAll(async () => {
      template = await makeWorkspace('obs-corpus-base-');
      await table.base(template.root);
    });
    afterAll(() => template?.cleanup());

    const names = new Set<string>();
    for (const testCase of table.cases) {
      if (names.has(testCase.name))
        throw new Error(`${table.title}: case "${testCase.name}" is listed twice`);
      names.add(testCase.name);
      it.concurrent(testCase.name, ({ expect }) =>
        limited(() => runCase(table, testCase, template.root, expect)),
      );
    }
  });
}
