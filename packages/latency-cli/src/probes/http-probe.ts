import { commonJsExports, roundMs } from '@obs-automation/core';
import type { LatencySample } from '@obs-automation/latency-store';
import type { ProbeSource } from '../latency-config.js';

export interface ProbeContext {
  /** the run's clock at the job's start */
  now: Date;
  /** performance.now() at the job's start, for ingest_latency_ms */
  startedAt: number;
  readSecret(envName: string): string | undefined;
  signal: AbortSignal;
}

function statusMatches(status: number, expected: ProbeSource['expect_status']): boolean {
  const matchers = Array.isArray(expected) ? expected : [expected];
  return matchers.some((matcher) =>
    typeof matcher === 'number' ? matcher === status : Math.floor(status / 100) === Number(matcher[0]),
  );
}

function errorClass(error: unknown): string {
  const cause = (error as { cause?: { code?: string; name?: string } }).cause;
  return cause?.code ?? cause?.name ?? (error as Error).name ?? 'Error';
}

/**
 * Measures one source: the time until its response is complete. `status` is success (expected
 * HTTP status), error (another status, or a network error) or timeout; `detail` is the HTTP status
 * or the error class, never the URL.
 */
export async function probeSource(source: ProbeSource, context: ProbeContext): Promise<LatencySample> {
  const url = source.url ?? context.readSecret(source.url_env as string);
  const started = performance.now();
  const sample = (status: string, detail: string): LatencySample => {
    const collected = performance.now();
    return {
      timestampMs: context.now.getTime() + Math.round(collected - context.startedAt),
      source: source.name,
      latencyMs: roundMs(collected - started),
      ingestLatencyMs: roundMs(collected - context.startedAt),
      status,
      detail,
      failed: status !== 'success',
    };
  };
  if (url === undefined) return sample('error', `${source.url_env} is not set`);
  const timeout = AbortSignal.timeout(source.timeout_ms);
  try {
    // Loaded on first use: runs without probe sources never pay for undici's start-up.
    const { request } = commonJsExports(await import('undici'));
    const response = await request(url, {
      method: source.method,
      signal: AbortSignal.any([timeout, context.signal]),
    });
    await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
    return sample(
      statusMatches(response.statusCode, source.expect_status) ? 'success' : 'error',
      String(response.statusCode),
    );
  } catch (error) {
    context.signal.throwIfAborted();
    if (timeout.aborted) return sample('timeout', `no complete response within ${source.timeout_ms} ms`);
    return sample('error', errorClass(error));
  }
}

/** Probes every source at once; each sample is timed on its own. */
export function probeSources(
  sources: readonly ProbeSource[],
  context: ProbeContext,
): Promise<LatencySample[]> {
  return Promise.all(sources.map((source) => probeSource(source, context)));
}
