import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { IngestLoad, LogWatch, postEvents, ReadyWatch, statusOf, when, type Answer } from './outage';
import { spawnBackend, type BackendProcess } from './process';
import { TcpProxy } from './tcp-proxy';
import { dropSchemas, TEST_PG_URL, TEST_STORE } from './test-store';

/**
 * reliability.md, test 21: PostgreSQL goes away under ingest (its sessions terminated, as a restart
 * or a failover does; the database unreachable for seconds). The backend lives, answers 503 with
 * Retry-After, is not ready, and resumes by itself; nothing acknowledged is lost.
 */
const onPostgres = TEST_STORE === 'postgres';
const describeOnPostgres = onPostgres ? describe : describe.skip;
if (!onPostgres) {
  console.info('store-outage.test.ts: skipped, PostgreSQL only (run with MAHAVISHNU_TEST_STORE=postgres)');
}

jest.setTimeout(120_000);

const CLIENTS = 16;
const BATCH = 50;

let dir: string;
let admin: Client;
const schemas: string[] = [];
const running: BackendProcess[] = [];
let proxy: TcpProxy | null = null;

beforeAll(async () => {
  if (!onPostgres) {
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'mahavishnu-outage-'));
  admin = new Client({ connectionString: TEST_PG_URL });
  await admin.connect();
});

afterAll(async () => {
  if (!onPostgres) {
    return;
  }
  await Promise.all(running.map((p) => p.kill('SIGKILL')));
  await proxy?.close();
  await admin.end();
  await dropSchemas(schemas);
  rmSync(dir, { recursive: true, force: true });
});

/** A backend on its own schema, with this configuration and, when given, this URL to PostgreSQL. */
async function backend(name: string, url = TEST_PG_URL): Promise<{ proc: BackendProcess; schema: string; logs: LogWatch }> {
  const schema = `outage_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  const config = join(dir, `${name}.yaml`);
  writeFileSync(
    config,
    stringify({
      store: { connect_timeout_ms: 1000, query_timeout_ms: 1500, retry_after_seconds: 2, health_probe_ms: 250 },
      cluster: { lease_seconds: 3, heartbeat_ms: 250 },
    })
  );
  const proc = await spawnBackend(join(dir, name), {
    MAHAVISHNU_CONFIG: config,
    MAHAVISHNU_STORE_URL: url,
    MAHAVISHNU_STORE_SCHEMA: schema,
    MAHAVISHNU_REPLICA_ID: name,
  });
  running.push(proc);
  return { proc, schema, logs: new LogWatch(proc.child) };
}

/** Of these event ids, the ones not stored in the schema. */
async function missing(schema: string, ids: Iterable<string>): Promise<string[]> {
  const all = [...ids];
  const { rows } = await admin.query<{ event_id: string }>(`select event_id from "${schema}".events where event_id = any($1)`, [all]);
  const stored = new Set(rows.map((r) => r.event_id));
  return all.filter((id) => !stored.has(id));
}

/** Every answer was 202, or 503/507 with Retry-After; never a 500. */
function expectOnlyAcceptedOrRetry(answers: Answer[]): void {
  const wrong = answers.filter((a) => a.status !== null && a.status !== 202 && !((a.status === 503 || a.status === 507) && a.retryAfter !== null));
  expect(wrong.map((a) => `${a.status} ${a.code}: ${a.message}`)).toEqual([]);
}

/** Fails at once, with its last words, when the backend process is gone. */
function alive(proc: BackendProcess, logs: LogWatch): true {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    throw new Error(`the backend exited (${proc.child.exitCode ?? proc.child.signalCode}): ${logs.lines.slice(-5).map((l) => l.raw).join('\n')}`);
  }
  return true;
}

/** Load and readiness polling stop however the test ends. */
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function leading(url: string): Promise<boolean> {
  const res = await fetch(`${url}/api/v1/cluster`).catch(() => null);
  return res?.ok === true && ((await res.json()) as { role: string }).role === 'leader';
}

describeOnPostgres('PostgreSQL goes away under ingest', () => {
  it('every session of the backend terminated again and again under load: it lives, answers 202 or 503 with Retry-After, is not ready meanwhile, and loses nothing it acknowledged', async () => {
    const { proc, schema, logs } = await backend('terminated');
    const prefix = `mahavishnu/${schema} `;
    const load = new IngestLoad(proc.url, { clients: CLIENTS, batch: BATCH, prefix: 'term' });
    const ready = new ReadyWatch(proc.url, 50);
    stops.push(() => load.stop(), () => ready.stop());
    load.start();
    await when('events acknowledged', () => load.acked.size >= CLIENTS * BATCH, 20_000);
    let terminated = 0;
    for (let round = 0; round < 6; round++) {
      // Every session of this backend (pool, open transactions, the leader's session, LISTEN), none of other tests'.
      const { rows } = await admin.query<{ ok: boolean }>(`select pg_terminate_backend(pid) as ok from pg_stat_activity where starts_with(application_name, $1)`, [prefix]);
      terminated += rows.filter((r) => r.ok).length;
      await new Promise((r) => setTimeout(r, 700));
      alive(proc, logs);
    }
    const ackedBeforeEnd = load.acked.size;
    await when('events acknowledged again after the last termination', () => alive(proc, logs) && load.acked.size > ackedBeforeEnd + CLIENTS * BATCH, 20_000);
    await load.stop();
    await ready.stop();

    expect(terminated).toBeGreaterThan(6);
    expect(proc.child.exitCode).toBeNull();
    expect(proc.child.signalCode).toBeNull();
    expectOnlyAcceptedOrRetry(load.answers);
    // Not ready after sessions were lost, ready again without help.
    expect(ready.seen.some((r) => r.status === 503 && r.code === 'store_unavailable')).toBe(true);
    await when('ready again', async () => (await statusOf(`${proc.url}/readyz`)) === 200, 10_000);
    await when('leading again', () => leading(proc.url), 10_000);
    expect(await missing(schema, load.acked)).toEqual([]);
    expect(logs.matching(/unhandled|uncaught/i)).toEqual([]);
    expect(logs.matching(/^store unavailable: /).length).toBeGreaterThan(0);
    expect(logs.matching(/^store available again after \d+ ms/).length).toBeGreaterThan(0);
    const counts = load.answers.reduce<Record<string, number>>((m, a) => ({ ...m, [String(a.status)]: (m[String(a.status)] ?? 0) + 1 }), {});
    console.info(`terminations: ${terminated} sessions ended in 6 rounds; answers by status ${JSON.stringify(counts)}; ${load.acked.size} events acknowledged, all stored`);
  });

  it.each([
    ['its host gone (connections reset)', 'reset' as const],
    ['a silent partition (connections neither answer nor close)', 'silent' as const],
  ])('the database unreachable for 6 s, %s: 503 with Retry-After and not ready meanwhile, then it resumes and leads again by itself; nothing acknowledged is lost', async (_what, mode) => {
    await proxy?.close();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(TEST_PG_URL).port || 5432) });
    const url = new URL(TEST_PG_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const { proc, schema, logs } = await backend(`cut-${mode}`, url.toString());
    await when('leading', () => leading(proc.url), 15_000);
    const load = new IngestLoad(proc.url, { clients: CLIENTS, batch: BATCH, prefix: 'cut' });
    const ready = new ReadyWatch(proc.url, 50);
    stops.push(() => load.stop(), () => ready.stop());
    load.start();
    await when('events acknowledged', () => load.acked.size >= CLIENTS * BATCH, 20_000);

    const cutAt = Date.now();
    proxy.cut(mode);
    await new Promise((r) => setTimeout(r, 6000));
    const restoredAt = Date.now();
    proxy.restore();
    const firstAccepted = await when('a 202 after the database is back', () => alive(proc, logs) && load.since(restoredAt).some((a) => a.status === 202), 20_000);
    const readyAgain = await when('ready again', async () => (await statusOf(`${proc.url}/readyz`)) === 200, 20_000);
    const leadingAgain = await when('leading again', () => leading(proc.url), 20_000);
    await load.stop();
    await ready.stop();

    expect(proc.child.exitCode).toBeNull();
    expectOnlyAcceptedOrRetry(load.answers);
    // While cut (after the time that requests in flight may still take: a connect timeout, a query
    // timeout when the partition is silent): refused, with Retry-After.
    const settled = cutAt + (mode === 'silent' ? 3000 : 1500);
    const during = load.answers.filter((a) => a.at > settled && a.at < restoredAt);
    // (A 202 may still come then: its events were committed before the cut, and the answer waited
    // for the engine, which found the database gone; they are checked to be stored below.)
    expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(during.filter((a) => !(a.status === 202 || (a.status === 503 && a.retryAfter === '2' && a.code === 'store_unavailable'))).map((a) => ({ ...a, ids: a.ids.length, after: a.at - cutAt }))).toEqual([]);
    const readyDuring = ready.seen.filter((r) => r.at > settled && r.at < restoredAt);
    expect(readyDuring.length).toBeGreaterThan(0);
    expect(readyDuring.filter((r) => !(r.status === 503 && r.code === 'store_unavailable')).map((r) => ({ ...r, after: r.at - cutAt }))).toEqual([]);
    // One line when it went away, one when it came back.
    const down = logs.matching(/^store unavailable: /).filter((l) => l.at >= cutAt);
    expect(down).toHaveLength(1);
    expect(down[0].msg).toContain(`schema ${schema}`);
    expect(down[0].msg).not.toContain('root@');
    expect(logs.matching(/^store available again after \d+ ms/).filter((l) => l.at >= restoredAt)).toHaveLength(1);
    expect(logs.matching(/unhandled|uncaught/i)).toEqual([]);
    expect(await missing(schema, load.acked)).toEqual([]);
    console.info(
      `database unreachable (${mode}) ${restoredAt - cutAt} ms: first 202 ${firstAccepted - restoredAt} ms after it was back, ready after ${readyAgain - restoredAt} ms, leading after ${leadingAgain - restoredAt} ms; ${load.acked.size} events acknowledged, all stored`
    );
  });

  it('PostgreSQL cannot extend a file (53100, disk full): 507 with Retry-After naming the cause, one log line, not ready; writes resume once it can', async () => {
    const { proc, schema, logs } = await backend('full');
    const ok = await postEvents(proc.url, [{ event_id: 'before', event_type: 'job_ok', source: 'a', message: 'x' }]);
    expect(ok.status).toBe(202);
    // What PostgreSQL answers when its disk is full, for every write of the store (the probe's too).
    await admin.query(`
      create function "${schema}".disk_full() returns trigger language plpgsql as $$
      begin raise exception 'could not extend file "base/16384/16385": No space left on device' using errcode = '53100'; end $$`);
    for (const table of ['events', 'meta']) {
      await admin.query(`create trigger disk_full before insert or update on "${schema}".${table} for each row execute function "${schema}".disk_full()`);
    }
    const full = await postEvents(proc.url, [{ event_id: 'during', event_type: 'job_ok', source: 'a', message: 'x' }]);
    expect(full).toMatchObject({ status: 507, retryAfter: '2', code: 'storage_full' });
    expect(full.message).toMatch(/^storage full: could not extend file .*No space left on device/);
    const notReady = await fetch(`${proc.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as any).error.code).toBe('storage_full');
    // Refused at once meanwhile, and said once in the log.
    expect((await postEvents(proc.url, [{ event_id: 'during2', event_type: 'job_ok', source: 'a', message: 'x' }])).status).toBe(507);
    await new Promise((r) => setTimeout(r, 1000));
    const lines = logs.matching(/^storage full: /);
    expect(lines).toHaveLength(1);
    expect(lines[0].msg).toContain('could not extend file');
    expect(lines[0].raw).toContain('"code":"53100"');

    await admin.query(`drop function "${schema}".disk_full() cascade`);
    const freed = Date.now();
    const back = await when('a 202 once writes work', async () => (await postEvents(proc.url, [{ event_id: 'after', event_type: 'job_ok', source: 'a', message: 'x' }])).status === 202, 10_000);
    expect(await statusOf(`${proc.url}/readyz`)).toBe(200);
    expect(await missing(schema, ['before', 'after'])).toEqual([]);
    expect(await missing(schema, ['during', 'during2'])).toEqual(['during', 'during2']);
    console.info(`53100: first 202 ${back - freed} ms after writes worked again`);
  });
});
