import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadOptions {
  /** The demo service; requests go to `GET {url}/api/work`. */
  url: string;
  /** Requests started per second, evenly spaced. */
  rps: number;
  /** No request starts after this; requests still running then get `requestTimeoutMs` at most. */
  durationMs: number;
  /** No more requests than this. */
  maxRequests?: number;
  /** Aborting stops the load at once (running requests are aborted and count as failed). */
  signal?: AbortSignal;
  /** One request must finish within this; default 10 s. */
  requestTimeoutMs?: number;
}

export interface LoadResult {
  sent: number;
  /** Answered 2xx. */
  ok: number;
  /** Answered otherwise, or no answer (network error, timeout, abort). */
  failed: number;
}

/**
 * Calls `GET {url}/api/work` at `rps` requests per second until `durationMs` has passed or
 * `maxRequests` were sent, whichever comes first, and resolves once every request finished.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (!(opts.rps > 0) || !Number.isFinite(opts.rps)) {
    throw new RangeError(`rps must be a positive number, got ${opts.rps}`);
  }
  if (!(opts.durationMs >= 0)) throw new RangeError(`durationMs must be 0 or more, got ${opts.durationMs}`);
  const max = opts.maxRequests ?? Number.POSITIVE_INFINITY;
  const target = `${opts.url.replace(/\/+$/, '')}/api/work`;
  const interval = 1000 / opts.rps;
  const timeoutMs = opts.requestTimeoutMs ?? 10_000;
  const result: LoadResult = { sent: 0, ok: 0, failed: 0 };
  const running = new Set<Promise<void>>();
  const start = performance.now();
  const deadline = start + opts.durationMs;

  const one = async () => {
    const signals = [AbortSignal.timeout(timeoutMs), ...(opts.signal ? [opts.signal] : [])];
    try {
      const res = await fetch(target, { signal: AbortSignal.any(signals) });
      await res.arrayBuffer();
      if (res.ok) result.ok++;
      else result.failed++;
    } catch {
      result.failed++;
    }
  };

  while (result.sent < max && !opts.signal?.aborted) {
    const at = start + result.sent * interval;
    if (at >= deadline) break;
    const delay = at - performance.now();
    if (delay > 0) {
      try {
        await sleep(delay, undefined, { signal: opts.signal });
      } catch {
        break; // aborted
      }
    }
    result.sent++;
    const p = one().finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
  return result;
}
