import { canonicalJsonBytes, JOB_ID_PATTERN, MS_PER_DAY } from '@obs-automation/core';
import * as z from '@obs-automation/core/zod';
import { type HistoryLocation, recordDelivery, type SignatureRecord } from './history-store.js';
import { payloadChecksum } from './payload-checksum.js';
import { parseWeekStart } from './week-window.js';

/**
 * Deliveries the history folder could not take (unwritable, full): kept in the job's heartbeat
 * under this field — a file the harness writes on every run, elsewhere than the history — until a
 * later run records them in the history. While one is kept its week counts as delivered and is
 * never sent again.
 */
export const UNRECORDED_DELIVERIES_FIELD = 'unrecorded_deliveries';

export interface UnrecordedDelivery {
  week_start: string;
  revision: number;
  job_id: string;
  delivered_at: string;
  webhook_status_code: number | null;
  attempts: number | null;
  signature: SignatureRecord;
  /** the payload delivered: its canonical JSON is the exact body sent */
  payload: Record<string, unknown>;
}

const CHECKSUM = /^[A-F0-9]{64}$/;

const unrecordedSchema = z.object({
  week_start: z.string().refine((text) => parseWeekStart(text).ok),
  revision: z.number().int().min(1).max(999_999),
  job_id: z.string().regex(JOB_ID_PATTERN),
  delivered_at: z.iso.datetime({ offset: true }),
  webhook_status_code: z.number().int().nullable(),
  attempts: z.number().int().min(0).nullable(),
  signature: z.looseObject({
    algorithm: z.string(),
    signature: z.string().min(1),
    webhook_id: z.string().min(1),
    timestamp: z.number().int(),
    payload_checksum_sha256: z.string().regex(CHECKSUM),
    job_id: z.string().optional(),
    revision: z.number().int().optional(),
  }),
  payload: z.record(z.string(), z.unknown()),
});

export interface KeptDeliveries {
  entries: UnrecordedDelivery[];
  /** entries that were malformed or whose payload does not match its checksum: not trusted */
  refused: number;
}

/**
 * The deliveries the previous heartbeat keeps, each checked: the shape above and a payload whose
 * checksum is the one it was signed with. Entries of weeks past the history retention are let
 * go (retention would have deleted their record anyway).
 */
export function keptDeliveries(
  heartbeat: Record<string, unknown> | null,
  options: { now: Date; retentionDays: number },
): KeptDeliveries {
  const listed = heartbeat?.[UNRECORDED_DELIVERIES_FIELD];
  if (!Array.isArray(listed)) return { entries: [], refused: 0 };
  const cutoff = options.now.getTime() - options.retentionDays * MS_PER_DAY;
  const entries: UnrecordedDelivery[] = [];
  let refused = 0;
  for (const item of listed) {
    const parsed = unrecordedSchema.safeParse(item);
    if (
      !parsed.success ||
      payloadChecksum(parsed.data.payload) !== parsed.data.signature.payload_checksum_sha256
    ) {
      refused += 1;
    } else if (Date.parse(`${parsed.data.week_start}T00:00:00Z`) >= cutoff) {
      entries.push(parsed.data as UnrecordedDelivery);
    }
  }
  return { entries, refused };
}

export interface KeptRecording {
  /** the deliveries still not in the history, to keep in the heartbeat */
  remaining: UnrecordedDelivery[];
  /** `<week_start> revision <n>` of each delivery recorded now */
  recorded: string[];
  /** history files written, root-relative */
  artefacts: string[];
  /** why the first delivery that could not be recorded could not */
  failure?: unknown;
}

/**
 * Records the kept deliveries in the history, oldest first, each marked `recovered_by` this run:
 * the payload is written back as the canonical JSON it was sent as, with its signature record.
 */
export async function recordKeptDeliveries(
  history: HistoryLocation,
  kept: readonly UnrecordedDelivery[],
  recoveredBy: string,
): Promise<KeptRecording> {
  const outcome: KeptRecording = { remaining: [], recorded: [], artefacts: [] };
  const oldestFirst = [...kept].sort(
    (a, b) => a.week_start.localeCompare(b.week_start) || a.revision - b.revision,
  );
  for (const entry of oldestFirst) {
    try {
      const written = await recordDelivery(history, {
        weekStart: entry.week_start,
        revision: entry.revision,
        jobId: entry.job_id,
        body: canonicalJsonBytes(entry.payload),
        signature: entry.signature,
        deliveredAt: entry.delivered_at,
        webhookStatusCode: entry.webhook_status_code,
        attempts: entry.attempts,
        recoveredBy,
      });
      outcome.artefacts.push(...written.filter((path) => !outcome.artefacts.includes(path)));
      outcome.recorded.push(`${entry.week_start} revision ${entry.revision}`);
    } catch (error) {
      outcome.remaining.push(entry);
      outcome.failure ??= error;
    }
  }
  return outcome;
}
