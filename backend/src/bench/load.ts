import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * Where requests go: a host and port on loopback, and the pool of keep-alive connections to it
 * (undici's: a lighter client than node's own, so that the machine's second core is the backend's
 * more than the bench's, and the client's own delays weigh less in the latencies it measures).
 */
export interface Target {
  host: string;
  port: number;
  pool: Pool;
}

/** A target with at most `connections` keep-alive connections; `close()` it when done. */
export function openTarget(host: string, port: number, connections: number): Target {
  return { host, port, pool: new Pool(`http://${host}:${port}`, { connections, pipelining: 1 }) };
}

/** Closes the target's connections. */
export async function closeTarget(t: Target): Promise<void> {
  await t.pool.destroy();
}

/** A finished HTTP exchange. */
export interface HttpResult {
  status: number;
  body: string;
}

/**
 * Sends one request with a JSON body (or none) and resolves with the status and body text;
 * rejects on a network error or when no complete answer came within `timeoutMs`.
 * `onSent` is called with `performance.now()` right before the request is handed to the pool.
 */
export async function request(
  t: Target,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
  timeoutMs = 30_000,
  onSent?: (at: number) => void
): Promise<HttpResult> {
  onSent?.(performance.now());
  const res = await t.pool.request({
    method,
    path,
    body,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return { status: res.statusCode, body: await res.body.text() };
}

/** One request a load worker is about to send. */
export interface LoadItem {
  body: string;
  /** Events in the body. */
  events: number;
  /** Called with `performance.now()` right before the request is sent. */
  onSent?: (at: number) => void;
  /** Called with `performance.now()` when the answer was 202. */
  onAccepted?: (at: number) => void;
}

/** How to run a load: connections, bounds, an optional rate and the request bodies. */
export interface LoadOptions {
  target: Target;
  /** Concurrent workers, each a loop of sequential requests (one connection each). */
  connections: number;
  /** Stops sending new requests after this long. */
  durationMs: number;
  /** Stops sending new requests after this many in all. */
  maxRequests: number;
  /** Requests per second across all workers; absent or 0 means as fast as the server answers. */
  ratePerSecond?: number;
  /** Builds worker `worker`'s `seq`-th request (both from 0). */
  next: (worker: number, seq: number) => LoadItem;
  /** Path posted to; default /api/v1/events. */
  path?: string;
  /**
   * How many events an answer accepted, or null when it failed (default: a 202 with the backend's
   * `{accepted, duplicates}`); for another server than ours.
   */
  accepted?: (res: HttpResult, item: LoadItem) => { accepted: number; duplicates: number } | null;
}

/** The backend's answer to a batch: 202 `{accepted, duplicates}`. */
function backendAccepted(res: HttpResult): { accepted: number; duplicates: number } | null {
  if (res.status !== 202) {
    return null;
  }
  const parsed = JSON.parse(res.body) as { accepted?: number; duplicates?: number };
  return { accepted: parsed.accepted ?? 0, duplicates: parsed.duplicates ?? 0 };
}

/** What a load run measured. */
export interface LoadResult {
  requests: number;
  /** Sum of `accepted` of the 202 answers. */
  accepted: number;
  duplicates: number;
  /** Requests that failed or were not answered 202. */
  failed: number;
  firstError: string | null;
  /** From the first request sent to the last answer received. */
  elapsedMs: number;
  /** Latency of each successful request, send to end of answer. */
  latenciesMs: number[];
}

/** `accepted` per second of a load run. */
export function eventsPerSecond(r: LoadResult): number {
  return r.elapsedMs > 0 ? (r.accepted * 1000) / r.elapsedMs : 0;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `connections` loops that POST `next(...)` bodies until the duration or the request
 * count is used up, optionally paced to `ratePerSecond` (send slots shared by all workers;
 * a worker that falls behind may catch up by at most 10 ms worth of slots).
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const path = o.path ?? '/api/v1/events';
  const result: LoadResult = {
    requests: 0,
    accepted: 0,
    duplicates: 0,
    failed: 0,
    firstError: null,
    elapsedMs: 0,
    latenciesMs: [],
  };
  const start = performance.now();
  const deadline = start + o.durationMs;
  const interval = o.ratePerSecond && o.ratePerSecond > 0 ? 1000 / o.ratePerSecond : 0;
  let nextDue = start;
  let issued = 0;
  let lastEnd = start;

  const fail = (msg: string) => {
    result.failed += 1;
    result.firstError ??= msg;
  };

  const worker = async (w: number): Promise<void> => {
    for (let seq = 0; ; seq++) {
      if (interval > 0) {
        const now = performance.now();
        const due = Math.max(nextDue, now - 10);
        nextDue = due + interval;
        if (due - now >= 1) {
          await sleep(due - now);
        }
      }
      if (issued >= o.maxRequests || performance.now() >= deadline) {
        return;
      }
      issued += 1;
      const item = o.next(w, seq);
      let sentAt = performance.now();
      try {
        const res = await request(o.target, 'POST', path, item.body, 30_000, (at) => {
          sentAt = at;
          item.onSent?.(at);
        });
        const end = performance.now();
        lastEnd = Math.max(lastEnd, end);
        result.requests += 1;
        const took = (o.accepted ?? backendAccepted)(res, item);
        if (!took) {
          fail(`HTTP ${res.status}: ${res.body.slice(0, 300)}`);
          continue;
        }
        result.accepted += took.accepted;
        result.duplicates += took.duplicates;
        result.latenciesMs.push(end - sentAt);
        item.onAccepted?.(end);
      } catch (err) {
        result.requests += 1;
        lastEnd = Math.max(lastEnd, performance.now());
        fail(err instanceof Error ? err.message : String(err));
        if (result.failed > 100) {
          return; // the backend is gone or broken; no point in hammering it
        }
      }
    }
  };

  await Promise.all(Array.from({ length: o.connections }, (_, w) => worker(w)));
  result.elapsedMs = lastEnd - start;
  return result;
}
