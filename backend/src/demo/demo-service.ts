import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BadRequest, readJson, send } from './http';
import { EventReporter, type DemoEvent, type ReporterStats } from './reporter';

/** The faults the demo can inject: a stale cache (500s), slow answers, a memory leak; or none. */
export const FAULT_MODES = ['none', 'error', 'slow', 'leak'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface DemoServiceOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** The backend the requests are reported to (`POST {backendUrl}/api/v1/events`). */
  backendUrl: string;
  /** The events' `source`; default `shop-api`. */
  source?: string;
  /** How often reported events are sent; default 250 ms. */
  flushMs?: number;
  /** How long a request takes in `slow` mode; default 1500 ms. */
  slowMs?: number;
  /** Retained memory above which `leak` mode reports `memory_high`; default 50 MB. */
  leakThresholdMb?: number;
  /** Most memory `leak` mode retains, so the demo cannot exhaust the machine; default 200 MB. */
  leakCapMb?: number;
}

/** What `GET /admin/state` answers. */
export interface DemoState {
  source: string;
  mode: FaultMode;
  started_at: string;
  restarts: number;
  cache: {
    entries: number;
    stale: boolean;
    clears: number;
    last_clear: { at: string; idempotency_key: string | null } | null;
  };
  requests: { total: number; ok: number; failed: number; slow: number };
  retained_mb: number;
  events: ReporterStats;
}

export interface DemoService {
  url: string;
  port: number;
  state(): DemoState;
  /** Reports to this backend from now on (when the backend starts after the service, whose URL it needs). */
  reportTo(backendUrl: string): void;
  close(): Promise<void>;
}

interface CacheEntry {
  value: unknown;
  stale: boolean;
}

const MB = 1024 * 1024;
const MAX_IDEMPOTENCY_KEYS = 100;

/** Starts the demo "shop API": `GET /api/work`, fault injection, remediation endpoints, event reporting. */
export async function startDemoService(opts: DemoServiceOptions): Promise<DemoService> {
  const source = opts.source ?? 'shop-api';
  const slowMs = opts.slowMs ?? 1500;
  const leakThresholdMb = opts.leakThresholdMb ?? 50;
  const leakCapMb = opts.leakCapMb ?? 200;
  const reporter = new EventReporter({ backendUrl: opts.backendUrl, flushMs: opts.flushMs ?? 250 });

  let mode: FaultMode = 'none';
  let startedAt = new Date();
  let restarts = 0;
  const cache = new Map<string, CacheEntry>();
  let clears = 0;
  let lastClear: DemoState['cache']['last_clear'] = null;
  const counters = { total: 0, ok: 0, failed: 0, slow: 0 };
  let retained: Buffer[] = [];
  const clearAnswers = new Map<string, Record<string, unknown>>();
  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  const state = (): DemoState => ({
    source,
    mode,
    started_at: startedAt.toISOString(),
    restarts,
    cache: { entries: cache.size, stale: [...cache.values()].some((e) => e.stale), clears, last_clear: lastClear },
    requests: { ...counters },
    retained_mb: retained.length,
    events: reporter.stats(),
  });

  const report = (e: Omit<DemoEvent, 'event_id' | 'timestamp' | 'source'>) =>
    reporter.push({ event_id: randomUUID(), timestamp: new Date().toISOString(), source, ...e });

  const setFault = (next: FaultMode) => {
    mode = next;
    if (next === 'error') {
      cache.set('work', { value: { ok: true }, stale: true });
    } else {
      for (const [k, e] of cache) if (e.stale) cache.delete(k);
    }
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const p = { timer: setTimeout(() => (pending.delete(p), resolve()), ms), resolve };
      pending.add(p);
    });

  const work = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const t0 = performance.now();
    const header = req.headers['x-correlation-id'];
    const correlation_id = typeof header === 'string' && header ? header.slice(0, 256) : `req-${randomUUID()}`;
    res.setHeader('x-correlation-id', correlation_id);
    counters.total++;
    if (mode === 'slow') await wait(slowMs);
    if (mode === 'leak' && retained.length < leakCapMb) retained.push(Buffer.alloc(MB, 1));
    let entry = cache.get('work');
    if (!entry) {
      entry = { value: { ok: true }, stale: false };
      cache.set('work', entry);
    }
    const ms = Math.round(performance.now() - t0);
    if (entry.stale) {
      counters.failed++;
      send(res, 500, { error: 'stale cache entry' });
      report({
        event_type: 'api_error',
        severity: 'high',
        message: 'GET /api/work returned 500: stale cache entry',
        metadata: { status_code: 500, endpoint: '/api/work' },
        correlation_id,
      });
      return;
    }
    counters.ok++;
    send(res, 200, entry.value);
    if (mode === 'slow') {
      counters.slow++;
      report({
        event_type: 'slow_request',
        severity: 'medium',
        message: `GET /api/work 200 in ${ms}ms (slow)`,
        metadata: { duration_ms: ms, endpoint: '/api/work', status_code: 200 },
        correlation_id,
      });
    } else {
      report({
        event_type: 'request_ok',
        severity: 'info',
        message: `GET /api/work 200 in ${ms}ms`,
        metadata: { duration_ms: ms },
        correlation_id,
      });
    }
    if (mode === 'leak' && retained.length > leakThresholdMb) {
      report({
        event_type: 'memory_high',
        severity: 'critical',
        message: `${source} retains ${retained.length} MB that it never frees`,
        metadata: { retained_mb: retained.length, threshold_mb: leakThresholdMb },
        correlation_id,
      });
    }
  };

  const clearCache = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const raw = req.headers['idempotency-key'];
    const key = typeof raw === 'string' && raw ? raw.slice(0, 255) : null;
    if (key) res.setHeader('Idempotency-Key', key);
    const earlier = key ? clearAnswers.get(key) : undefined;
    if (earlier) {
      send(res, 200, { ...earlier, replayed: true });
      return;
    }
    const fixed = mode === 'error';
    const answer = {
      cleared: true,
      entries: cache.size,
      fixed_fault: fixed ? 'error' : null,
      idempotency_key: key,
      replayed: false,
    };
    cache.clear();
    if (fixed) mode = 'none';
    clears++;
    lastClear = { at: new Date().toISOString(), idempotency_key: key };
    if (key) {
      clearAnswers.set(key, answer);
      if (clearAnswers.size > MAX_IDEMPOTENCY_KEYS) clearAnswers.delete(clearAnswers.keys().next().value!);
    }
    send(res, 200, answer);
  };

  const restart = (res: http.ServerResponse) => {
    mode = 'none';
    cache.clear();
    retained = [];
    counters.total = counters.ok = counters.failed = counters.slow = 0;
    restarts++;
    startedAt = new Date();
    send(res, 200, { restarted: true, state: state() });
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    const key = `${req.method} ${path}`;
    if (key === 'GET /api/work') return work(req, res);
    if (key === 'GET /healthz') return send(res, 200, { ok: true });
    if (key === 'GET /admin/state') return send(res, 200, state());
    if (key === 'POST /cache/clear') return clearCache(req, res);
    if (key === 'POST /admin/restart') return restart(res);
    if (key === 'POST /admin/fault') {
      const body = await readJson(req);
      const next = (body as { mode?: unknown } | null)?.mode;
      if (!FAULT_MODES.includes(next as FaultMode)) {
        return send(res, 400, { error: `mode must be one of ${FAULT_MODES.join(', ')}` });
      }
      setFault(next as FaultMode);
      return send(res, 200, state());
    }
    return send(res, 404, { error: `no route ${key}` });
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        send(res, err instanceof BadRequest ? 400 : 500, { error: String((err as Error).message ?? err) });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  reporter.start();
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    state,
    reportTo: (backendUrl) => reporter.retarget(backendUrl),
    close: () =>
      (closed ??= (async () => {
        for (const p of pending) {
          clearTimeout(p.timer);
          p.resolve();
        }
        pending.clear();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        retained = [];
        await reporter.close();
      })()),
  };
}
