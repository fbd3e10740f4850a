import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_BIN } from './config';
import { main as control, type ControlIO } from './control';
import { startDemoService, type DemoService } from './demo-service';
import { closedPort, startRecorder, waitFor, type Recorder } from './test-helpers';

let backend: Recorder;
let svc: DemoService;
const opened: DemoService[] = [];

async function service(opts: Partial<Parameters<typeof startDemoService>[0]> = {}): Promise<DemoService> {
  const s = await startDemoService({ backendUrl: backend.url, flushMs: 20, ...opts });
  opened.push(s);
  return s;
}

async function get(s: DemoService, path = '/api/work') {
  const res = await fetch(`${s.url}${path}`);
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

async function post(s: DemoService, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

const ofType = (t: string, src = 'shop-api') => backend.events.filter((e) => e.event_type === t && e.source === src);

beforeAll(async () => {
  backend = await startRecorder();
  svc = await service();
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await backend.close();
});

beforeEach(async () => {
  await post(svc, '/admin/restart');
});

test('healthy requests answer 200 and are reported as request_ok events, each with its own correlation id', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await get(svc);
    expect(r).toMatchObject({ status: 200, body: { ok: true } });
  }
  await waitFor(() => ofType('request_ok').length >= 3, 3000, 'request_ok events');
  const events = ofType('request_ok');
  for (const e of events) {
    expect(e).toMatchObject({ severity: 'info', source: 'shop-api' });
    expect(e.message).toMatch(/^GET \/api\/work 200 in \d+ms$/);
    expect(typeof e.event_id).toBe('string');
    expect(Number.isNaN(Date.parse(e.timestamp))).toBe(false);
  }
  expect(new Set(events.map((e) => e.correlation_id)).size).toBe(events.length);
  expect(svc.state().requests).toMatchObject({ total: 3, ok: 3, failed: 0 });
});

test('error mode answers 500 and reports api_error until POST /cache/clear, which honours Idempotency-Key', async () => {
  expect((await post(svc, '/admin/fault', { mode: 'error' })).body.mode).toBe('error');
  const r = await get(svc);
  expect(r).toMatchObject({ status: 500, body: { error: 'stale cache entry' } });
  expect((await get(svc)).status).toBe(500);
  await waitFor(() => ofType('api_error').length >= 2, 3000, 'api_error events');
  expect(ofType('api_error')[0]).toMatchObject({
    severity: 'high',
    message: 'GET /api/work returned 500: stale cache entry',
    metadata: { status_code: 500, endpoint: '/api/work' },
  });

  const cleared = await post(svc, '/cache/clear', undefined, { 'Idempotency-Key': 'run-1' });
  expect(cleared.status).toBe(200);
  expect(cleared.headers.get('idempotency-key')).toBe('run-1');
  expect(cleared.body).toMatchObject({
    cleared: true,
    idempotency_key: 'run-1',
    fixed_fault: 'error',
    replayed: false,
  });
  expect((await get(svc)).status).toBe(200);
  expect(svc.state()).toMatchObject({
    mode: 'none',
    cache: { stale: false, clears: 1, last_clear: { idempotency_key: 'run-1' } },
  });

  const again = await post(svc, '/cache/clear', undefined, { 'Idempotency-Key': 'run-1' });
  expect(again.body).toMatchObject({ cleared: true, idempotency_key: 'run-1', replayed: true });
  expect(svc.state().cache.clears).toBe(1);
});

test('slow mode answers after slowMs and reports slow_request with its duration', async () => {
  const slow = await service({ slowMs: 200, source: 'slow-api' });
  await post(slow, '/admin/fault', { mode: 'slow' });
  const t0 = Date.now();
  expect((await get(slow)).status).toBe(200);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  await waitFor(() => ofType('slow_request', 'slow-api').length === 1, 3000, 'slow_request');
  const e = ofType('slow_request', 'slow-api')[0];
  expect(e.severity).toBe('medium');
  expect(e.metadata.duration_ms).toBeGreaterThanOrEqual(190);
});

test('leak mode retains memory, bounded, and reports memory_high past the threshold', async () => {
  const leaky = await service({ leakThresholdMb: 2, leakCapMb: 5, source: 'leaky-api' });
  await post(leaky, '/admin/fault', { mode: 'leak' });
  for (let i = 0; i < 7; i++) expect((await get(leaky)).status).toBe(200);
  expect(leaky.state().retained_mb).toBe(5); // the cap
  // requests 3 to 7 found more than 2 MB retained
  await waitFor(() => ofType('memory_high', 'leaky-api').length === 5, 3000, 'memory_high events');
  const e = ofType('memory_high', 'leaky-api')[0];
  expect(e).toMatchObject({ severity: 'critical', metadata: { retained_mb: 3 } });
  expect(typeof e.correlation_id).toBe('string');
});

test('POST /admin/restart clears every fault, frees the leak and resets the counters', async () => {
  await post(svc, '/admin/fault', { mode: 'leak' });
  await get(svc);
  await get(svc);
  await post(svc, '/admin/fault', { mode: 'error' });
  expect((await get(svc)).status).toBe(500);
  const r = await post(svc, '/admin/restart');
  expect(r.status).toBe(200);
  expect(r.body.state).toMatchObject({
    mode: 'none',
    retained_mb: 2 - 2,
    requests: { total: 0, ok: 0, failed: 0 },
    cache: { entries: 0 },
  });
  expect((await get(svc)).status).toBe(200);
});

test('bad requests: an unknown fault mode is 400, an unknown route 404', async () => {
  expect((await post(svc, '/admin/fault', { mode: 'meteor' })).status).toBe(400);
  expect((await post(svc, '/admin/fault', undefined)).status).toBe(400);
  expect((await get(svc, '/nope')).status).toBe(404);
  expect((await get(svc, '/admin/state')).body).toMatchObject({ source: 'shop-api', mode: 'none' });
});

test('an unreachable backend does not crash the service; the events wait and are sent once it answers', async () => {
  const lost = await service({ backendUrl: `http://127.0.0.1:${await closedPort()}`, source: 'lonely-api' });
  for (let i = 0; i < 3; i++) expect((await get(lost)).status).toBe(200);
  await waitFor(() => lost.state().events.failed_flushes >= 2, 3000, 'failed flushes');
  expect(lost.state().events).toMatchObject({ queued: 3, reported: 0 });
  expect(lost.state().events.last_error).toMatch(/api\/v1\/events/);
  expect((await get(lost)).status).toBe(200);

  // a backend answering 503 keeps the events too; they arrive once it recovers, each once
  const flaky = await service({ source: 'flaky-api' });
  backend.status = 503;
  try {
    for (let i = 0; i < 3; i++) await get(flaky);
    const posts = backend.posts;
    await waitFor(() => backend.posts >= posts + 2, 3000, 'retries');
    expect(flaky.state().events.queued).toBe(3);
  } finally {
    backend.status = 202;
  }
  await waitFor(() => ofType('request_ok', 'flaky-api').length === 3, 3000, 'delivery after recovery');
  expect(new Set(ofType('request_ok', 'flaky-api').map((e) => e.event_id)).size).toBe(3);
});

describe('the control command', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    const sink: ControlIO = { out: (t) => out.push(t), err: (t) => err.push(t) };
    return { sink, out, err };
  };

  test('restart, fault and clear-cache drive the service; exit 0 on 200, 1 otherwise', async () => {
    const a = io();
    expect(await control(['node', 'mahavishnu-demo', 'fault', 'error', '--url', svc.url], a.sink)).toBe(0);
    expect(svc.state().mode).toBe('error');
    expect(
      await control(['node', 'mahavishnu-demo', 'clear-cache', '--url', svc.url, '--idempotency-key', 'k9'], a.sink)
    ).toBe(0);
    expect(svc.state()).toMatchObject({ mode: 'none', cache: { last_clear: { idempotency_key: 'k9' } } });
    await post(svc, '/admin/fault', { mode: 'slow' });
    const b = io();
    expect(await control(['node', 'mahavishnu-demo', 'restart', '--url', svc.url], b.sink)).toBe(0);
    expect(JSON.parse(b.out.join(''))).toMatchObject({ restarted: true, state: { mode: 'none' } });
    expect(svc.state().mode).toBe('none');
  });

  test('an unreachable service, a bad mode or a missing --url fail', async () => {
    const a = io();
    expect(
      await control(['node', 'mahavishnu-demo', 'restart', '--url', `http://127.0.0.1:${await closedPort()}`], a.sink)
    ).toBe(1);
    expect(a.err.join('')).toMatch(/could not reach the demo service/);
    expect(await control(['node', 'mahavishnu-demo', 'fault', 'meteor', '--url', svc.url], io().sink)).toBe(2);
    expect(await control(['node', 'mahavishnu-demo', 'restart'], io().sink)).toBe(2);
  });

  const built = existsSync(join(__dirname, '../../dist/demo/control.js'));
  (built ? test : test.skip)('the bin restarts the service, as the backend runs it (needs backend/dist)', async () => {
    await post(svc, '/admin/fault', { mode: 'error' });
    const child = spawn(process.execPath, [DEMO_BIN, 'restart', '--url', svc.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ restarted: true });
    expect(svc.state().mode).toBe('none');
  });
});
