/** Where each flag of the earlier tooling is mapped to this tooling's, one anchor per flag. */
export const MIGRATION_GUIDE = 'docs/migration.md';

/** A flag of the earlier tooling that is a flag of this command under another name. */
export interface RenamedFlag {
  kind: 'renamed';
  /** e.g. `--heartbeat-max-age-hours` */
  flag: string;
  /** the flag it is now, e.g. `--max-heartbeat-age-hours`; the old one is accepted with a notice */
  replacement: string;
  /** its section of docs/migration.md */
  anchor: string;
}

/** A flag of the earlier tooling (or of a convention) this command refuses, saying what to do instead. */
export interface RemovedFlag {
  kind: 'removed';
  flag: string;
  /** what replaces it, e.g. `set slo_p95_ms (milliseconds) in configs/observability/latency_alert.yaml` */
  instead: string;
  anchor: string;
}

export type FlagMigration = RenamedFlag | RemovedFlag;

/** `--out-json` → `out-json`: the anchor of the flag's section in docs/migration.md. */
function anchorOf(flag: string): string {
  return flag.replace(/^-+/, '');
}

/** The earlier `flag` is `replacement` now: accepted, with a one-line notice on stderr. */
export function renamedFlag(flag: string, replacement: string, anchor = anchorOf(flag)): RenamedFlag {
  return { kind: 'renamed', flag, replacement, anchor };
}

/** The earlier `flag` has no equivalent flag: refused (exit 2), the message saying what to do `instead`. */
export function removedFlag(flag: string, instead: string, anchor = anchorOf(flag)): RemovedFlag {
  return { kind: 'removed', flag, instead, anchor };
}

/** `--dry-run` refused by a command that only reads what it checks: there is nothing to rehearse. */
export function dryRunRefused(instead: string): RemovedFlag {
  return removedFlag('--dry-run', instead, 'dry-run');
}

export function migrationLink(migration: FlagMigration): string {
  return `${MIGRATION_GUIDE}#${migration.anchor}`;
}

/** The stderr line for a renamed flag: `obs-verify: deprecated: --old is --new (docs/migration.md#old)`. */
export function deprecationNotice(binary: string, migration: RenamedFlag): string {
  return `${binary}: deprecated: ${migration.flag} is ${migration.replacement} (${migrationLink(migration)})`;
}

/** The usage error's message for a removed flag. */
export function removedFlagMessage(migration: RemovedFlag): string {
  return `${migration.flag} is not supported: ${migration.instead} (${migrationLink(migration)})`;
}
