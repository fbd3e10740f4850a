import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { MahavishnuClient } from '../src/client/client';
import { HttpReceiver } from '../src/notification/channels/testing/http-receiver';
import { spawnBackend, until, type BackendProcess } from './process';
import { dropSchemas, TEST_PG_URL, TEST_STORE } from './test-store';

/**
 * Three real backend processes share one PostgreSQL schema under ingest; the leader of the engine
 * is killed with SIGKILL. Another replica must lead within seconds, and nothing the system promised
 * may be lost or done twice. Runs in the PostgreSQL pass of the suite (npm run test:pg).
 */
jest.setTimeout(120_000);

const describeOnPostgres = TEST_STORE === 'postgres' ? describe : describe.skip;
const SOURCES = 20;
const BATCHES = 150;
const PER_BATCH = 20;
/** The load stops after this long whatever happens (a bound, not an expectation). */
const LOAD_LIMIT_MS = 60_000;

interface Replica {
  name: string;
  proc: BackendProcess;
  alive: boolean;
}

interface ClusterView {
  replica_id: string;
  role: 'leader' | 'standby';
  leader: { replica_id: string; term: number } | null;
}

let dir: string;
let schema: string;
let hook: HttpReceiver;
let db: Client;
const replicas: Replica[] = [];

async function view(r: Replica): Promise<ClusterView | null> {
  try {
    const res = await fetch(`${r.proc.url}/api/v1/cluster`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? ((await res.json()) as ClusterView) : null;
  } catch {
    return null;
  }
}

/** The live replica that says it leads, once exactly one does. */
async function leaderNow(): Promise<Replica | null> {
  const live = replicas.filter((r) => r.alive);
  const views = await Promise.all(live.map(view));
  const leading = live.filter((_, i) => views[i]?.role === 'leader');
  return leading.length === 1 ? leading[0] : null;
}

/** Reads a replica's live stream in the background (the CLI's client): the incidents announced as created. */
function watchStream(r: Replica): { created: Set<string>; stop(): void } {
  const created = new Set<string>();
  const abort = new AbortController();
  new MahavishnuClient({ url: r.proc.url })
    .stream((m) => m.type === 'incident_created' && created.add(m.incident.incident_id), abort.signal)
    .catch(() => undefined);
  return { created, stop: () => abort.abort() };
}

async function q<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(text, params)).rows;
}

beforeAll(async () => {
  if (TEST_STORE !== 'postgres') {
    return;
  }
  dir = mkdtempSync(join(tmpdir(), 'mahavishnu-failover-'));
  schema = `failover_${randomBytes(6).toString('hex')}`;
  hook = await HttpReceiver.start();
  db = new Client({ connectionString: TEST_PG_URL });
  await db.connect();
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    stringify({
      cluster: { lease_seconds: 2, heartbeat_ms: 200 },
      notification: { channels: { oncall: { type: 'webhook', url: hook.url('/hook'), timeout_seconds: 2 } }, relay_interval_ms: 50, claim_seconds: 3 },
      security: { outbound: { allowlist: ['127.0.0.1'] } },
      remediation: { actions: { clear_cache: { executor: { kind: 'http', url: hook.url('/action') } } } },
    })
  );
  // One after the other, so the first one leads.
  for (const name of ['r1', 'r2', 'r3']) {
    const proc = await spawnBackend(join(dir, name), {
      MAHAVISHNU_CONFIG: config,
      MAHAVISHNU_STORE_URL: TEST_PG_URL,
      MAHAVISHNU_STORE_SCHEMA: schema,
      MAHAVISHNU_REPLICA_ID: name,
    });
    replicas.push({ name, proc, alive: true });
  }
});

afterAll(async () => {
  if (TEST_STORE !== 'postgres') {
    return;
  }
  await Promise.all(replicas.map((r) => r.proc.kill('SIGKILL')));
  await hook.close();
  await db.end();
  await dropSchemas([schema]);
  rmSync(dir, { recursive: true, force: true });
});

describeOnPostgres('three replicas on one PostgreSQL, the leader killed under ingest', () => {
  it('another replica leads within seconds; every accepted event is stored and counted once; no incident, notification or action twice', async () => {
    const first = await until('one replica leads', leaderNow, 15_000);
    expect(first.name).toBe('r1');

    // A rule change sent to a standby reaches the leader (forwarded) and every replica.
    const standby = replicas.find((r) => r !== first)!;
    const created = await fetch(`${standby.proc.url}/api/v1/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rule_id: 'checkout_errors',
        name: 'Checkout errors',
        incident_type: 'error_burst',
        severity: 'high',
        error_threshold: 5,
        time_window_seconds: 600,
        match: { event_types: ['checkout_error'] },
        group_by: ['source'],
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-mahavishnu-served-by')).toBe('r1');
    for (const r of replicas) {
      await until(`${r.name} knows the new rule`, async () => (await fetch(`${r.proc.url}/api/v1/rules/checkout_errors`)).status === 200, 10_000);
    }

    // r3 stands by throughout: its live stream hears of incidents the leaders open.
    const stream = watchStream(replicas[2]);

    // Ingest through every replica in turn; a batch whose replica is gone is sent again to the next
    // one with the same ids, as a client would. Only a 202 counts as accepted.
    const accepted = new Set<string>();
    let killedAt = 0;
    let takeover: Promise<{ replica: Replica; ms: number }> | null = null;
    let next = 0;
    const started = Date.now();
    for (let b = 0; b < BATCHES && Date.now() - started < LOAD_LIMIT_MS; b++) {
      if (b === Math.floor(BATCHES * 0.4)) {
        const leader = (await leaderNow())!;
        expect(leader).toBe(first);
        await leader.proc.kill('SIGKILL');
        leader.alive = false;
        killedAt = Date.now();
        // Watched while the load goes on: when another replica says it leads.
        takeover = until('a new leader', async () => {
          const l = await leaderNow();
          return l && l !== first ? { replica: l, ms: Date.now() - killedAt } : null;
        }, 15_000);
        // Awaited after the load; until then a failure must not count as unhandled.
        takeover.catch(() => undefined);
      }
      const events = Array.from({ length: PER_BATCH }, (_, i) => ({
        event_id: `b${b}-e${i}`,
        event_type: 'checkout_error',
        source: `svc-${String((b * PER_BATCH + i) % SOURCES).padStart(2, '0')}`,
        message: 'payment provider timed out',
        timestamp: new Date().toISOString(),
      }));
      for (let attempt = 0; attempt < 6; attempt++) {
        const r = replicas[next++ % replicas.length];
        if (!r.alive && attempt < 5) {
          continue;
        }
        const res = await fetch(`${r.proc.url}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(events),
        }).catch(() => null);
        if (res?.status === 202) {
          events.forEach((e) => accepted.add(e.event_id));
          break;
        }
        if (res && res.status !== 503) {
          throw new Error(`${r.name} answered ${res.status}: ${await res.text()}`);
        }
      }
    }
    expect(killedAt).toBeGreaterThan(0);

    // A standby took over within a few seconds of the kill (2 s lease, 200 ms heartbeat).
    const { replica: second, ms: takeoverMs } = await takeover!;
    expect(takeoverMs).toBeLessThan(5_000);
    if (process.env.FAILOVER_TIMINGS) {
      process.stderr.write(`new leader ${takeoverMs} ms after the SIGKILL\n`);
    }
    const [lease] = await q<{ holder: string; term: number }>(`select holder, term from ${schema}.leases where name = 'engine'`);
    expect(lease).toEqual({ holder: second.name, term: 2 });
    for (const r of replicas.filter((x) => x.alive)) {
      const metrics = await (await fetch(`${r.proc.url}/metrics`)).text();
      expect(metrics).toContain(`mahavishnu_engine_leader ${r === second ? 1 : 0}`);
    }

    // Every accepted event is stored exactly once.
    expect(accepted.size).toBe(BATCHES * PER_BATCH);
    const stored = await q<{ n: number; distinct_ids: number }>(`select count(*)::int as n, count(distinct event_id)::int as distinct_ids from ${schema}.events`);
    expect(stored[0]).toEqual({ n: accepted.size, distinct_ids: accepted.size });

    // The engine has read the whole log, and counted each event once: one incident per source,
    // holding all of that source's events.
    await until('the engine reaches the end of the log', async () => {
      const [row] = await q<{ checkpoint: string; last: number }>(
        `select (select value from ${schema}.meta where key = 'engine_checkpoint') as checkpoint, (select max(seq)::int from ${schema}.events) as last`
      );
      return Number(row.checkpoint) === row.last;
    }, 20_000);
    const incidents = await q<{ group_key: string; n: number; events: number; attached: number }>(
      `select group_key, count(*)::int as n, sum(event_count)::int as events,
              (select count(*)::int from ${schema}.incident_events ie where ie.incident_id = min(i.incident_id)) as attached
       from ${schema}.incidents i where rule_id = 'checkout_errors' group by group_key order by group_key`
    );
    expect(incidents).toHaveLength(SOURCES);
    for (const inc of incidents) {
      expect(inc.n).toBe(1);
      expect(inc.events).toBe(accepted.size / SOURCES);
      expect(inc.attached).toBe(accepted.size / SOURCES);
    }
    const ids = await q<{ incident_id: string }>(`select incident_id from ${schema}.incidents order by seq`);
    expect(new Set(ids.map((i) => i.incident_id)).size).toBe(ids.length);
    await until('the standby streamed every new incident', () => stream.created.size === ids.length, 10_000);
    expect([...stream.created].sort()).toEqual(ids.map((i) => i.incident_id).sort());
    stream.stop();

    // A person acknowledges through a standby: forwarded to the new leader, which records it.
    const other = replicas.find((r) => r.alive && r !== second)!;
    const target = ids[0].incident_id;
    const ack = await fetch(`${other.proc.url}/api/v1/incidents/${target}/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'dana' }),
    });
    expect(ack.status).toBe(200);
    expect(ack.headers.get('x-mahavishnu-served-by')).toBe(second.name);
    expect(((await ack.json()) as { acknowledged_by: string }).acknowledged_by).toBe('dana');

    // Every notification is delivered; a receiver that drops repeated delivery ids (PagerDuty's
    // dedup_key, our webhook's X-Mahavishnu-Delivery) sees each one once.
    await until('the outbox is delivered', async () => {
      const [row] = await q<{ pending: number }>(`select count(*)::int as pending from ${schema}.outbox where status <> 'sent'`);
      return row.pending === 0;
    }, 30_000);
    const outbox = await q<{ delivery_id: string }>(`select delivery_id from ${schema}.outbox where receiver = 'oncall'`);
    const hooks = hook.requests.filter((r) => r.path === '/hook').map((r) => String(r.headers['x-mahavishnu-delivery']));
    expect(outbox.length).toBeGreaterThanOrEqual(SOURCES);
    expect(new Set(hooks)).toEqual(new Set(outbox.map((o) => o.delivery_id)));
    // Sent twice only when the killed leader had sent it and died before recording it.
    expect(hooks.length - new Set(hooks).size).toBeLessThanOrEqual(1);

    // Each incident's safe action ran once; none ran twice across the takeover.
    // (The built-in error_burst rule, which counts every *error event, opened one incident of its own.)
    expect(await q(`select 1 from ${schema}.incidents where rule_id = 'error_burst'`)).toHaveLength(1);
    const runs = await q<{ incident_id: string; idempotency_key: string; status: string }>(
      `select incident_id, idempotency_key, status from ${schema}.action_runs where action_id = 'clear_cache' and trigger = 'auto'`
    );
    expect(runs.map((r) => r.incident_id).sort()).toEqual(ids.map((i) => i.incident_id).sort());
    const calls = hook.requests.filter((r) => r.path === '/action').map((r) => String(r.headers['idempotency-key']));
    expect(calls.length).toBe(new Set(calls).size);
    const ran = runs.filter((r) => r.status !== 'unknown').map((r) => r.idempotency_key);
    for (const key of ran) {
      expect(calls).toContain(key);
    }
  });

  it('a frozen leader loses the engine after its lease: a standby ends its session, and the leader, thawed, stands by', async () => {
    const frozen = (await until('a leader', leaderNow, 10_000))!;
    const [before] = await q<{ term: number }>(`select term from ${schema}.leases where name = 'engine'`);
    frozen.proc.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    try {
      const next = await until('another leader', async () => {
        const views = await Promise.all(replicas.filter((r) => r.alive && r !== frozen).map(async (r) => ({ r, v: await view(r) })));
        return views.find((x) => x.v?.role === 'leader')?.r ?? null;
      }, 15_000);
      // The lease is 2 s; the standby waits one more heartbeat past it before it ends the session.
      expect(Date.now() - stoppedAt).toBeLessThan(8_000);
      if (process.env.FAILOVER_TIMINGS) {
        process.stderr.write(`new leader ${Date.now() - stoppedAt} ms after the SIGSTOP\n`);
      }
      const [lease] = await q<{ holder: string; term: number }>(`select holder, term from ${schema}.leases where name = 'engine'`);
      expect(lease).toEqual({ holder: next.name, term: before.term + 1 });

      // Three memory alarms in two minutes open a memory_exhaustion incident (a built-in rule).
      const events = Array.from({ length: 3 }, (_, i) => ({
        event_id: `frozen-${i}`,
        event_type: 'memory_high',
        source: 'svc-frozen',
        message: 'heap at 97%',
        timestamp: new Date().toISOString(),
      }));
      const res = await fetch(`${next.proc.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
      expect(res.status).toBe(202);
      await until('the new leader opens the incident', async () => (await q(`select 1 from ${schema}.incidents where rule_id = 'memory_exhaustion'`)).length === 1, 10_000);
    } finally {
      frozen.proc.child.kill('SIGCONT');
    }
    // Thawed, it finds its session ended and stands by; it wrote nothing as leader.
    await until('the thawed replica stands by', async () => (await view(frozen))?.role === 'standby', 10_000);
    const [lease] = await q<{ term: number }>(`select term from ${schema}.leases where name = 'engine'`);
    expect(lease.term).toBe(before.term + 1);
    expect(await q(`select 1 from ${schema}.incidents where rule_id = 'memory_exhaustion'`)).toHaveLength(1);
    const leaders = (await Promise.all(replicas.filter((r) => r.alive).map(view))).filter((v) => v?.role === 'leader');
    expect(leaders).toHaveLength(1);
  });

  it('keys created or revoked on one replica hold on every replica', async () => {
    const [a, b] = replicas.filter((r) => r.alive);
    const json = { 'content-type': 'application/json' };
    const admin = await fetch(`${a.proc.url}/api/v1/keys`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'ops-admin', role: 'admin' }) });
    expect(admin.status).toBe(201);
    const adminKey = ((await admin.json()) as { key: string }).key;
    const auth = (key: string) => ({ ...json, authorization: `Bearer ${key}` });
    // Keys are now required everywhere.
    await until('b requires a key', async () => (await fetch(`${b.proc.url}/api/v1/incidents`)).status === 401, 5_000);
    expect((await fetch(`${b.proc.url}/api/v1/incidents`, { headers: auth(adminKey) })).status).toBe(200);

    const viewer = await fetch(`${b.proc.url}/api/v1/keys`, { method: 'POST', headers: auth(adminKey), body: JSON.stringify({ name: 'wall-screen', role: 'viewer' }) });
    expect(viewer.status).toBe(201);
    const { key: viewerKey, key_id } = (await viewer.json()) as { key: string; key_id: string };
    await until('a accepts the new key', async () => (await fetch(`${a.proc.url}/api/v1/incidents`, { headers: auth(viewerKey) })).status === 200, 5_000);

    const revoked = await fetch(`${a.proc.url}/api/v1/keys/${key_id}`, { method: 'DELETE', headers: auth(adminKey) });
    expect(revoked.status).toBe(200);
    for (const r of [a, b]) {
      await until(`${r.name} refuses the revoked key`, async () => (await fetch(`${r.proc.url}/api/v1/incidents`, { headers: auth(viewerKey) })).status === 401, 5_000);
    }
  });
});
