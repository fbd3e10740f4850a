import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ConfigInput } from '../src/config/schema';
import { startBackend, T0, type Backend } from './harness';
import { spawnBackend, until, type BackendProcess } from './process';

/**
 * Reliability item 23: no caller can block the event loop. A backtest over 100,000 events runs on a
 * worker thread while the backend goes on answering; past the workers and the queue a backtest is
 * refused with 503 and Retry-After, and one over its time is stopped with 413.
 */
jest.setTimeout(60_000);

const EVENTS = 100_000;
/** A day's worth of a busy service: one event in a hundred an error (about a second of detection). */
const big = Array.from({ length: EVENTS }, (_, i) => ({
  event_id: `bt_${i}`,
  event_type: i % 100 === 0 ? 'api_error' : 'heartbeat',
  source: `svc-${i % 7}`,
  message: 'x',
  timestamp: new Date(T0 + i * 10).toISOString(),
}));
const bigBody = JSON.stringify({ events: big });
const config = (detection: ConfigInput['detection']): ConfigInput => ({ server: { body_limit_bytes: 64 * 1024 * 1024 }, detection });

let b: Backend | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

async function start(cfg: ConfigInput): Promise<Backend> {
  b = await startBackend(cfg);
  return b;
}

/** Starts a backtest of the big body; `settled` tells whether its answer is in. */
function backtest(url: string, body = bigBody): { answer: Promise<{ status: number; body: any; retryAfter: string | null }>; settled: () => boolean } {
  let done = false;
  const answer = fetch(`${url}/api/v1/rules/error_burst/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (res) => {
    done = true;
    return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
  });
  return { answer, settled: () => done };
}

async function running(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^mahavishnu_backtests_running (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('backtests off the event loop', () => {
  it('answers /healthz and takes events while a 100,000-event backtest runs; the backtest then answers in full', async () => {
    const b = await start(config({ backtest_workers: 1 }));
    const bt = backtest(b.url);
    await until('the backtest to run on its worker', async () => (await running(b.url)) === 1);
    const health = await b.get('/healthz');
    const ingest = await b.post('/api/v1/events', { event_type: 'heartbeat', source: 'svc', message: 'alive' });
    expect(health.status).toBe(200);
    expect(ingest.status).toBe(202);
    // Both were answered while the backtest was still running.
    expect(bt.settled()).toBe(false);
    const { status, body } = await bt.answer;
    expect(status).toBe(200);
    expect(body).toMatchObject({ rule_id: 'error_burst', events_evaluated: EVENTS, events_matched: EVENTS / 100 });
    expect(body.incidents.length).toBeGreaterThan(0);
  });

  it('refuses a backtest past the workers and the queue with 503 and Retry-After, and runs the next one once a worker is free', async () => {
    const b = await start(config({ backtest_workers: 1, backtest_queue: 0 }));
    const first = backtest(b.url);
    await until('the first backtest to run', async () => (await running(b.url)) === 1);
    const small = { events: big.slice(0, 20) };
    const refused = await b.post('/api/v1/rules/error_burst/test', small);
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toMatch(/backtests are running or waiting/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await first.answer).status).toBe(200);
    expect(await b.post('/api/v1/rules/error_burst/test', small)).toMatchObject({ status: 200, body: { events_evaluated: 20 } });
  });

  it('stops a backtest over detection.backtest_timeout_seconds with 413, and goes on serving', async () => {
    const b = await start(config({ backtest_workers: 1, backtest_timeout_seconds: 0.1 }));
    const { status, body } = await backtest(b.url).answer;
    expect(status).toBe(413);
    expect(body.error).toMatchObject({ code: 'backtest_too_large' });
    expect(body.error.message).toMatch(/longer than 0.1 s \(detection.backtest_timeout_seconds\)/);
    expect(await running(b.url)).toBe(0);
    expect((await b.get('/healthz')).status).toBe(200);
  });

  it('stores the events of a backtest with dry_run false, and only those of a dry run not', async () => {
    const b = await start(config({}));
    const events = big.slice(0, 5).map((e) => ({ ...e, event_id: `kept_${e.event_id}` }));
    expect(await b.post('/api/v1/rules/error_burst/test', { events, dry_run: true })).toMatchObject({ status: 200, body: { events_evaluated: 5 } });
    expect((await b.get('/api/v1/events?source=svc-0')).body).toEqual([]);
    expect(await b.post('/api/v1/rules/error_burst/test', { events, dry_run: false })).toMatchObject({ status: 200, body: { events_evaluated: 5 } });
    expect((await b.get('/api/v1/events?limit=100')).body.map((e: { event_id: string }) => e.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
    expect((await b.post('/api/v1/rules/no_such_rule/test', { events })).status).toBe(404);
  });

  it('still names the failing event of a backtest with 400', async () => {
    const b = await start(config({}));
    const res = await b.post('/api/v1/rules/error_burst/test', { events: [big[0], { event_type: 'api_error', source: 7, message: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('events[1].source');
  });
});

describe('backtests in the built backend', () => {
  let dir: string;
  let proc: BackendProcess | undefined;
  afterEach(async () => {
    await proc?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('run on the compiled worker, and /healthz answers meanwhile', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mahavishnu-backtests-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, stringify(config({ backtest_workers: 1 })));
    proc = await spawnBackend(dir, { MAHAVISHNU_CONFIG: file });
    const bt = backtest(proc.url);
    await until('the backtest to run on its worker', async () => (await running(proc!.url)) === 1);
    expect((await fetch(`${proc.url}/healthz`)).status).toBe(200);
    expect(bt.settled()).toBe(false);
    expect(await bt.answer).toMatchObject({ status: 200, body: { events_evaluated: EVENTS } });
  });
});
