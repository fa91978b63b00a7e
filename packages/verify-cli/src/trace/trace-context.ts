import { relative } from 'node:path';
import { resolveAgainstRoot } from '@obs-automation/core';
import { type DeletionRecord, deletionCovering } from './deletion-records.js';

export type ChecksumKind = 'dashboard_dataset' | 'manifest_entry' | 'weekly_payload' | 'weekly_signature';

export interface ArtefactNote {
  path: string;
  kind: ChecksumKind | 'artefact';
  result: 'verified' | 'mismatch' | 'missing' | 'deleted_by_retention' | 'not_checked';
  note?: string;
}

/** What the artefact verifiers share: path display, failure reporting and a note per artefact. */
export class TraceContext {
  readonly notes: ArtefactNote[] = [];
  /** files found missing, each reported once however many records name it */
  private readonly absent = new Set<string>();

  constructor(
    readonly root: string,
    private readonly failWith: (errorCode: string, message: string) => void,
    private readonly deletions: readonly DeletionRecord[],
    /** the signing secret, when set, to verify weekly signatures */
    readonly signingSecret: string | undefined,
  ) {}

  absolute(path: string): string {
    return resolveAgainstRoot(this.root, path);
  }

  display(absolutePath: string): string {
    const relativePath = relative(this.root, absolutePath);
    return relativePath.startsWith('..') ? absolutePath : relativePath;
  }

  fail(errorCode: string, message: string): void {
    this.failWith(errorCode, message);
  }

  note(note: ArtefactNote): void {
    this.notes.push(note);
  }

  /**
   * A file that is gone: fine when retention recorded deleting it (an old job's history), else
   * artefact_missing.
   */
  missing(absolutePath: string, kind: ArtefactNote['kind'], listedIn: string): void {
    if (this.absent.has(absolutePath)) return;
    this.absent.add(absolutePath);
    const path = this.display(absolutePath);
    const deletion = deletionCovering(this.deletions, absolutePath);
    if (deletion) {
      this.note({
        path,
        kind,
        result: 'deleted_by_retention',
        note: `recorded in ${deletion.recordedIn}${deletion.deletedAt ? ` at ${deletion.deletedAt}` : ''}`,
      });
      return;
    }
    this.fail('artefact_missing', `${path} (listed in ${listedIn}) does not exist`);
    this.note({ path, kind, result: 'missing' });
  }
}

export function sameChecksum(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
