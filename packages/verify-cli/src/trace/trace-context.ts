import { dirname, relative, resolve } from 'node:path';
import {
  type ContainedPath,
  type ContainedPathOptions,
  JobError,
  resolveBundleFile,
  resolveContainedPath,
} from '@obs-automation/core';
import { refusalCode } from '../checks/refusal-code.js';
import { type DeletionRecord, deletionCovering } from './deletion-records.js';

export type ChecksumKind =
  | 'dashboard_dataset'
  | 'dashboard_reference'
  | 'manifest_entry'
  | 'weekly_payload'
  | 'weekly_signature';

export interface ArtefactNote {
  path: string;
  kind: ChecksumKind | 'artefact';
  result: 'verified' | 'mismatch' | 'missing' | 'deleted_by_retention' | 'not_checked';
  note?: string;
}

/** A path read from a file, resolved inside the root. */
export interface ListedPath {
  /** every link resolved: the path to open */
  real: string;
  /** as the file names it, for messages and deletion records */
  lexical: string;
  exists: boolean;
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

  /**
   * A path taken from a file — a log entry's artefact, a manifest line — resolved inside the root
   * (see resolveContainedPath; `base` and `allowed` narrow it further). A refused path is
   * reported (`path_not_allowed`, or `invalid_input` for something not a regular file or
   * folder) and null returned: nothing outside the root is opened.
   */
  listed(
    path: unknown,
    options: Pick<ContainedPathOptions, 'what' | 'source' | 'base' | 'allowed' | 'type'>,
  ): Promise<ListedPath | null> {
    return this.contained(this.root, () =>
      resolveContainedPath(this.root, path, { code: 'path_not_allowed', mayBeMissing: true, ...options }),
    );
  }

  /** A file a dashboard manifest names, resolved inside the manifest's folder (resolveBundleFile). */
  inBundle(manifestPath: string, path: unknown, options: Pick<ContainedPathOptions, 'what' | 'source'>) {
    const bundleDir = dirname(manifestPath);
    return this.contained(bundleDir, () =>
      resolveBundleFile(bundleDir, path, { code: 'path_not_allowed', mayBeMissing: true, ...options }),
    );
  }

  private async contained(base: string, resolving: () => Promise<ContainedPath>): Promise<ListedPath | null> {
    try {
      const contained = await resolving();
      return {
        real: contained.absolute,
        lexical: resolve(base, contained.relative),
        exists: contained.exists,
      };
    } catch (error) {
      if (!(error instanceof JobError)) throw error;
      this.fail(refusalCode(error, 'artefact_missing'), error.message);
      return null;
    }
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

  /** The deletion record naming a job's artefact (a dashboard reference retention removed), if any. */
  deletionOfJob(jobId: string): DeletionRecord | null {
    return this.deletions.find((record) => record.jobId === jobId) ?? null;
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
