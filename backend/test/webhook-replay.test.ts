import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startBackend, type Backend } from './harness';
import { processFixture, spawnBackend, until } from './process';
import { TEST_PG_URL, TEST_STORE } from './test-store';

/**
 * Reliability item 10, the replay: a signed Grafana webhook is taken once, wherever and whenever it
 * arrives within its timestamp's tolerance: not again after a restart (also a kill -9), not on
 * another replica. The store keeps the signatures taken, for the tolerance, and prunes them after.
 */
jest.setTimeout(60_000);

const SECRET = 'grafana-contact-point-secret';
const TS_HEADER = 'X-Grafana-Alerting-Signature-Timestamp';
const body = readFileSync(join(__dirname, '../src/ingest/webhooks/fixtures/grafana-webhook-v1.json'), 'utf8');
const webhooks = { grafana: { hmac_secret_env: 'GF_WEBHOOK_SECRET', timestamp_header: TS_HEADER, tolerance_seconds: 300 } };
const sign = (ts: number, raw: string) => createHmac('sha256', SECRET).update(`${ts}:${raw}`).digest('hex');
const signed = (ts: number, raw = body) => ({ 'X-Grafana-Alerting-Signature': sign(ts, raw), [TS_HEADER]: String(ts) });

async function post(url: string, raw: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/v1/webhooks/grafana`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  return { status: res.status, body: await res.json() };
}

const REPLAY = { status: 401, body: { error: { code: 'unauthorized', message: expect.stringMatching(/taken before .*a replay is refused/) } } };

describe('a replayed Grafana webhook, in one backend', () => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it('is refused after a restart; a new signature is taken; a request not taken may be sent again; signatures are pruned after the tolerance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-replay-'));
    let b = await startBackend({ security: { webhooks } }, dir, undefined, { GF_WEBHOOK_SECRET: SECRET });
    backend = b;
    const ts = Math.floor(b.clock.now() / 1000);
    expect((await post(b.url, body, signed(ts))).status).toBe(202);
    b = await b.restart();
    backend = b;
    expect(await post(b.url, body, signed(ts))).toMatchObject(REPLAY);
    // Grafana's next delivery carries its own timestamp, hence its own signature.
    b.clock.advance(1);
    expect((await post(b.url, body, signed(ts + 1))).status).toBe(202);

    // A signed body the backend refuses (400) was not taken: its resend is judged again, not called a replay.
    const bad = JSON.stringify({ ...JSON.parse(body), alerts: [{ status: 'bogus' }] });
    expect((await post(b.url, bad, signed(ts + 1, bad))).status).toBe(400);
    expect((await post(b.url, bad, signed(ts + 1, bad))).status).toBe(400);

    const rows = () => b.manager.services.store.db.selectFrom('webhook_signatures').select('signature').execute();
    expect(await rows()).toHaveLength(2);
    // Past twice the tolerance the next request prunes them (the old ones are stale by then anyway).
    b.clock.advance(601);
    const later = Math.floor(b.clock.now() / 1000);
    expect((await post(b.url, body, signed(later))).status).toBe(202);
    expect((await rows()).map((r) => r.signature)).toEqual([sign(later, body)]);
    await b.close();
    backend = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('a replayed Grafana webhook, to backend processes', () => {
  const fixture = processFixture('replay');
  const { procs } = fixture;

  function configEnv(): Record<string, string> {
    const file = join(fixture.dir(), 'config.yaml');
    writeFileSync(file, stringify({ security: { webhooks }, cluster: { lease_seconds: 2, heartbeat_ms: 200 } }));
    return { MAHAVISHNU_CONFIG: file, GF_WEBHOOK_SECRET: SECRET };
  }

  it('is refused after kill -9 and a restart', async () => {
    const env = configEnv();
    procs.push(await spawnBackend(join(fixture.dir(), 'data'), env));
    const ts = Math.floor(Date.now() / 1000);
    expect((await post(procs[0].url, body, signed(ts))).status).toBe(202);
    await procs.pop()!.kill('SIGKILL');
    procs.push(await spawnBackend(join(fixture.dir(), 'data'), env));
    expect(await post(procs[0].url, body, signed(ts))).toMatchObject(REPLAY);
  });

  (TEST_STORE === 'postgres' ? it : it.skip)('is refused by another replica of the same store (PostgreSQL)', async () => {
    const env = { ...configEnv(), MAHAVISHNU_STORE_URL: TEST_PG_URL, MAHAVISHNU_STORE_SCHEMA: fixture.sharedSchema() };
    for (const name of ['r1', 'r2']) {
      procs.push(await spawnBackend(join(fixture.dir(), name), { ...env, MAHAVISHNU_REPLICA_ID: name }));
    }
    await until('a replica to lead', async () => ((await (await fetch(`${procs[0].url}/api/v1/cluster`)).json()) as { leader: unknown }).leader !== null);
    const ts = Math.floor(Date.now() / 1000);
    expect((await post(procs[0].url, body, signed(ts))).status).toBe(202);
    expect(await post(procs[1].url, body, signed(ts))).toMatchObject(REPLAY);
    // Both at once, a fresh signature, to the two replicas: exactly one takes it.
    const fresh = signed(ts + 1);
    const both = await Promise.all(procs.map((p) => post(p.url, body, fresh)));
    expect(both.map((r) => r.status).sort()).toEqual([202, 401]);
  });
});
