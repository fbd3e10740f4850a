import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { IncidentManager } from '../src/builder';
import { parseConfig } from '../src/config/load';
import type { ConfigInput } from '../src/config/schema';
import { ManualClock } from '../src/util/clock';
import { dropSchemas, schemaFor, TEST_STORE, testStoreConfig } from './test-store';

/** A backend on an ephemeral loopback port with a real store (SQLite file, or its own PostgreSQL schema: test-store.ts) and a clock the test drives. */
export interface Backend {
  url: string;
  clock: ManualClock;
  manager: IncidentManager;
  dataDir: string;
  /** Sends JSON and returns status and parsed body. */
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  post(path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  get(path: string): Promise<{ status: number; body: any; headers: Headers }>;
  /** Advances the clock and runs the periodic sweep, as the timer would; then settles. */
  advance(seconds: number): Promise<void>;
  /** Runs started actions to their end and delivers the notifications that are due, as the timers would. */
  settle(): Promise<void>;
  restart(): Promise<Backend>;
  close(): Promise<void>;
}

export const T0 = Date.parse('2026-11-26T10:00:00Z');

export async function startBackend(config: ConfigInput = {}, dataDir?: string, clock = new ManualClock(T0), env: NodeJS.ProcessEnv = {}): Promise<Backend> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'mahavishnu-test-'));
  const cfg = parseConfig({ ...config, store: { ...testStoreConfig(dir), ...(config.store ?? {}), data_dir: dir } });
  const manager = await IncidentManager.build({ config: cfg, logger: pino({ level: 'silent' }), clock, sweepTimer: false, env });
  const { port } = await manager.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const req: Backend['req'] = async (method, path, body, headers = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      parsed = JSON.parse(text);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  let closed = false;
  const backend: Backend = {
    url,
    clock,
    manager,
    dataDir: dir,
    req,
    post: (path, body) => req('POST', path, body ?? {}),
    get: (path) => req('GET', path),
    advance: async (seconds) => {
      clock.advance(seconds);
      await manager.engine.sweep();
      await backend.settle();
    },
    settle: async () => {
      const { runner, relay, engine } = manager.services;
      for (let i = 0; i < 10; i++) {
        await runner.settle();
        await engine.idle();
        await relay.tick();
        await relay.settle();
        if ((await manager.services.store.actions.withStatus(['queued', 'running'])).length === 0) {
          break;
        }
      }
    },
    restart: async () => {
      await manager.close();
      closed = true;
      return startBackend(config, dir, clock, env);
    },
    close: async () => {
      if (!closed) {
        await manager.close();
      }
      if (!dataDir) {
        rmSync(dir, { recursive: true, force: true });
        if (TEST_STORE === 'postgres') {
          await dropSchemas([schemaFor(dir)]);
        }
      }
    },
  };
  return backend;
}

let counter = 0;

/** An event at `secondsAfterT0` (relative to the test's clock start). */
export function ev(event_type: string, source: string, at: number | string, extra: Record<string, unknown> = {}) {
  counter += 1;
  return {
    event_id: `e${counter}_${Math.random().toString(36).slice(2, 8)}`,
    event_type,
    source,
    message: `${event_type} from ${source}`,
    timestamp: typeof at === 'number' ? new Date(T0 + at * 1000).toISOString() : at,
    ...extra,
  };
}
