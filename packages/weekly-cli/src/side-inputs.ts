import type { InputFile } from '@obs-automation/core';
import * as z from '@obs-automation/core/zod';
import { parseShape, readJsonInput } from './json-input.js';

const latencyHeartbeat = z.looseObject({ pending_alerts: z.number().int().min(0).nullable().optional() });

/** `pending_alerts` from the latency job's heartbeat; null when the heartbeat or the field is absent. */
export async function readPendingAlerts(heartbeat: InputFile): Promise<number | null> {
  const document = await readJsonInput(heartbeat, 'heartbeat');
  if (document === null) return null;
  return parseShape(latencyHeartbeat, document, heartbeat).pending_alerts ?? null;
}

/** An optional report section (benchmarks, health) copied as given; null when the file is absent. */
export async function readOptionalSection(file: InputFile): Promise<Record<string, unknown> | null> {
  const document = await readJsonInput(file);
  if (document === null) return null;
  return parseShape(z.record(z.string(), z.unknown()), document, file);
}
