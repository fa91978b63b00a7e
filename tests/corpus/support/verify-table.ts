import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN } from '../../support/cli-process.js';
import { LOG, NOW, SEQUENCE, writeHealthyWorkspace } from '../../verify/support/verify-workspace.js';
import type { CorpusCase, CorpusTable, RowStore } from './corpus-case.js';
import { missingFrom } from './csv-text.js';
import type { MessageExpectation } from './message-expectation.js';

export const CORRUPT_LOG = `${LOG}.corrupt`;
const REBUILT_LOG = `${LOG}.rebuilt`;

const nonEmptyLines = (text: string) => text.split('\n').filter((line) => line !== '');

/**
 * obs-verify appends its own entry to the log it checks: every line the log held before must
 * still be there (a corrupt line is a finding, never a reason to lose it).
 */
const LOG_STORE: RowStore = {
  file: LOG,
  async lostRows(root, before) {
    const after = await readFile(join(root, LOG), 'utf8').catch(() => '');
    return missingFrom(nonEmptyLines(before.toString('utf8')), nonEmptyLines(after));
  },
};

/** How the verify tables run obs-verify: on a workspace every default check passes on. */
export const VERIFY_TABLE: Omit<CorpusTable, 'title' | 'cases'> = {
  binary: BIN.verify,
  now: NOW,
  args: [],
  base: (root) => writeHealthyWorkspace(root).then(() => undefined),
  outputs: (path) => path === SEQUENCE,
  rowStores: [LOG_STORE],
};

/** A check fails on the input: exit 1, verification_failed, the failure named in the message. */
export function fails(
  name: string,
  files: CorpusCase['files'],
  check: string,
  message: MessageExpectation,
  args: readonly string[] = [],
): CorpusCase {
  return {
    name,
    files,
    args,
    exit: 1,
    status: 'error',
    errorCode: 'verification_failed',
    message,
    check: ({ summary, expect }) => expect(summary.diagnostics.failed_checks).toContain(check),
  };
}

export function passes(name: string, files: CorpusCase['files'], args: readonly string[] = []): CorpusCase {
  return { name, files, args, exit: 0, status: 'ok', errorCode: null, summary: { failures: [] } };
}

/**
 * rebuild-log on a log with two corrupt lines (2 and 3) among six valid ones: the valid lines
 * (and entries reconstructed from artefacts) are rebuilt, the corrupt ones kept in <log>.corrupt,
 * the run a warning.
 */
export function rebuildCase(name: string, message: MessageExpectation): CorpusCase {
  return {
    name,
    command: ['rebuild-log'],
    files: { [LOG]: (text) => text.replace('\n', '\nnot json\n\u0000\u0001garbage\n') },
    exit: 0,
    status: 'warning',
    errorCode: 'corrupt_lines',
    message,
    summary: { kept: 6, corrupt: 2 },
    check: async ({ root, summary, expect }) => {
      const corrupt = nonEmptyLines(await readFile(join(root, CORRUPT_LOG), 'utf8')).map((line) =>
        JSON.parse(line),
      );
      expect(corrupt).toMatchObject([
        { line: 2, text: 'not json' },
        { line: 3, text: '\u0000\u0001garbage' },
      ]);
      const rebuilt = nonEmptyLines(await readFile(join(root, REBUILT_LOG), 'utf8'));
      expect(rebuilt).toHaveLength(summary.kept + summary.reconstructed);
    },
  };
}
