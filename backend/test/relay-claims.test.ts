import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { OutboxRecord } from '../src/domain/records';
import { Metrics } from '../src/metrics/metrics';
import type { Channel } from '../src/notification/channel';
import { ChannelConfigSchema, createChannel } from '../src/notification/channels';
import { NotificationConfigSchema } from '../src/notification/config';
import { testDeps } from '../src/notification/channels/testing/deps';
import { makeMessage } from '../src/notification/channels/testing/message';
import { NotificationRelay } from '../src/notification/relay';
import { openPostgres, openSqlite } from '../src/store/db';
import { Store } from '../src/store/store';
import { ManualClock } from '../src/util/clock';
import { dropSchemas, schemaListFile, TEST_PG_URL, TEST_STORE } from './test-store';

/**
 * Several replicas' relays over one outbox: each notification goes out once, an incident's messages
 * reach a receiver in order, and a claim left by a replica that died holds until it expires.
 * PostgreSQL (claims with FOR UPDATE SKIP LOCKED) is covered in every run; SQLite too in the default one.
 */
jest.setTimeout(30_000);

const CLAIM_MS = 30_000;

/** One request as the receiver saw it. */
interface Hit {
  receiver: string;
  delivery: string;
  incident: string;
}

/**
 * A loopback webhook receiver that notes each request and answers 200 at once; a request `hold`
 * picks is kept waiting until `release` answers it.
 */
class Receiver {
  readonly hits: Hit[] = [];
  hold: (hit: Hit) => boolean = () => false;
  private readonly held: ServerResponse[] = [];
  private heldWaiter: (() => void) | null = null;
  private readonly server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { incident_id: string };
      const hit = { receiver: (req.url ?? '').slice(1), delivery: String(req.headers['x-mahavishnu-delivery']), incident: body.incident_id };
      this.hits.push(hit);
      if (this.hold(hit)) {
        this.held.push(res);
        this.heldWaiter?.();
        return;
      }
      res.writeHead(200).end('ok');
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${path}`;
  }

  /** Resolves once `n` requests are being held. */
  async holding(n: number): Promise<void> {
    while (this.held.length < n) {
      await new Promise<void>((resolve) => (this.heldWaiter = resolve));
    }
  }

  /** Answers the longest-held request with `status`. */
  release(status: number): void {
    this.held.shift()?.writeHead(status).end('later');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** One database the replicas share; `replica()` opens a store on it as another process would. */
interface Shared {
  replica(): Promise<Store>;
  drop(): Promise<void>;
}

async function sharedDatabase(kind: 'sqlite' | 'postgres'): Promise<Shared> {
  if (kind === 'sqlite') {
    // One process, one connection: the replicas share the store.
    const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-relay-claims-'));
    const store = new Store(openSqlite({ dataDir: dir, synchronous: 'normal' }).db);
    await store.migrate();
    return {
      replica: async () => store,
      drop: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_relay_claims_${randomBytes(8).toString('hex')}`;
  const list = schemaListFile();
  if (list) {
    appendFileSync(list, `${schema}\n`);
  }
  const stores: Store[] = [];
  return {
    replica: async () => {
      const { db } = await openPostgres({ url: TEST_PG_URL, schema, poolMax: 3 });
      const store = new Store(db, schema);
      stores.push(store);
      if (stores.length === 1) {
        await migrate(store);
      }
      return store;
    },
    drop: async () => {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchemas([schema]);
    },
  };
}

/**
 * Kysely's migrator lists the tables of every schema it may read, and that query fails when another
 * schema is dropped while it runs (other tests and test runs on the same database make and drop
 * theirs): a few tries, for that error only.
 */
async function migrate(store: Store): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.migrate();
    } catch (err) {
      if (attempt >= 5 || !/schema "[^"]+" does not exist/.test((err as Error).message)) {
        throw err;
      }
    }
  }
}

function row(incident: string, receiver: string, n: number, at: number): OutboxRecord {
  const delivery_id = `${incident}.${receiver}.${n}`;
  return {
    delivery_id,
    incident_id: incident,
    receiver,
    channel_type: 'webhook',
    kind: 'incident_created',
    message: makeMessage({ delivery_id, dedup_key: incident, incident: { incident_id: incident } }),
    status: 'pending',
    attempts: 0,
    last_status: null,
    last_error: null,
    created_at: at,
    next_attempt_at: at,
    sent_at: null,
    last_attempt_at: null,
  };
}

const KINDS: Array<'sqlite' | 'postgres'> = TEST_STORE === 'postgres' ? ['postgres'] : ['sqlite', 'postgres'];

describe.each(KINDS)('relays of several replicas on %s', (kind) => {
  let shared: Shared;
  let receiver: Receiver;
  let clock: ManualClock;
  const relays: NotificationRelay[] = [];
  const metrics = new Map<NotificationRelay, Metrics>();

  beforeEach(async () => {
    shared = await sharedDatabase(kind);
    receiver = await new Receiver().start();
    clock = new ManualClock();
  });

  afterEach(async () => {
    for (const r of relays.splice(0)) {
      r.close();
      await r.settle();
    }
    await receiver.close();
    await shared.drop();
  });

  /** A replica's relay: its own store connection, its own id, receivers `names` on the loopback receiver. */
  async function replica(owner: string, names: string[] = ['hook']): Promise<{ relay: NotificationRelay; store: Store }> {
    const store = await shared.replica();
    const channels = new Map<string, Channel>(
      names.map((name) => [
        name,
        createChannel(name, ChannelConfigSchema.parse({ type: 'webhook', url: receiver.url(name), timeout_seconds: 5 }), testDeps({ clock })),
      ])
    );
    const m = new Metrics();
    const relay = new NotificationRelay(store, channels, clock, m, pino({ level: 'silent' }), {
      initialBackoffMs: 1000,
      maxBackoffMs: 60_000,
      maxAttempts: 10,
      intervalMs: 1000,
      owner,
      claimMs: CLAIM_MS,
    });
    relays.push(relay);
    metrics.set(relay, m);
    return { relay, store };
  }

  async function sentBy(relay: NotificationRelay): Promise<number> {
    const { values } = await metrics.get(relay)!.notifications.get();
    return values.filter((v) => v.labels.outcome === 'sent').reduce((sum, v) => sum + v.value, 0);
  }

  it('sends each of 200 notifications once, each incident in order, with three relays racing', async () => {
    const names = ['hook-a', 'hook-b'];
    const replicas = [];
    for (const owner of ['replica-1', 'replica-2', 'replica-3']) {
      replicas.push(await replica(owner, names));
    }
    const { store } = replicas[0];
    // 20 incidents, 5 messages each to 2 receivers, written interleaved as incidents would be.
    const incidents = Array.from({ length: 20 }, (_, i) => `inc_${String(i).padStart(5, '0')}`);
    const rows: OutboxRecord[] = [];
    for (let n = 0; n < 5; n++) {
      for (const incident of incidents) {
        for (const name of names) {
          rows.push(row(incident, name, n, clock.now()));
        }
      }
    }
    await store.outbox.insert(rows);

    // Every replica polls as fast as it can until nothing is pending: each takes what it can claim.
    let rounds = 0;
    await Promise.all(
      replicas.map(async ({ relay }) => {
        while ((await store.outbox.pendingCount()) > 0 && rounds++ < 5000) {
          await relay.tick();
          await new Promise((resolve) => setImmediate(resolve));
        }
      })
    );

    const ids = receiver.hits.map((h) => h.delivery);
    expect(ids).toHaveLength(200);
    expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.delivery_id)));
    for (const incident of incidents) {
      for (const name of names) {
        const seen = receiver.hits.filter((h) => h.incident === incident && h.receiver === name).map((h) => h.delivery);
        expect(seen).toEqual([0, 1, 2, 3, 4].map((n) => `${incident}.${name}.${n}`));
      }
    }
    for (const incident of incidents) {
      expect((await store.outbox.ofIncident(incident)).map((r) => [r.status, r.attempts])).toEqual(Array(10).fill(['sent', 1]));
    }
    // Each relay counts what it sent: together the 200, and the work was shared.
    const counts = await Promise.all(replicas.map(({ relay }) => sentBy(relay)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('sends a burst about one incident in one pass, in order, not one message per tick', async () => {
    const { relay, store } = await replica('replica-1');
    const t0 = clock.now();
    await store.outbox.insert([0, 1, 2].map((n) => row('inc_burst', 'hook', n, t0)));
    await relay.tick();
    expect(receiver.hits.map((h) => h.delivery)).toEqual(['inc_burst.hook.0', 'inc_burst.hook.1', 'inc_burst.hook.2']);
  });

  it('sends a notification claimed by a replica that died only once the claim has expired, then the rest of its incident', async () => {
    const { relay, store } = await replica('replica-live');
    const t0 = clock.now();
    await store.outbox.insert([row('inc_a', 'hook', 0, t0), row('inc_a', 'hook', 1, t0), row('inc_b', 'hook', 0, t0), row('inc_c', 'hook', 0, t0)]);
    // A replica claimed two rows and was killed: one claim still holds, the other ran out.
    await store.db.updateTable('outbox').set({ claimed_by: 'replica-dead', claimed_until: t0 + CLAIM_MS }).where('delivery_id', '=', 'inc_a.hook.0').execute();
    await store.db.updateTable('outbox').set({ claimed_by: 'replica-dead', claimed_until: t0 - 1 }).where('delivery_id', '=', 'inc_b.hook.0').execute();

    await relay.tick();
    expect(receiver.hits.map((h) => h.delivery)).toEqual(['inc_b.hook.0', 'inc_c.hook.0']);

    // Up to the moment the claim ends, inc_a waits (its second message behind its first).
    clock.set(t0 + CLAIM_MS);
    await relay.tick();
    expect(receiver.hits).toHaveLength(2);
    expect((await store.outbox.ofIncident('inc_a')).map((r) => r.status)).toEqual(['pending', 'pending']);

    clock.advance(1);
    await relay.tick();
    expect(receiver.hits.map((h) => h.delivery)).toEqual(['inc_b.hook.0', 'inc_c.hook.0', 'inc_a.hook.0', 'inc_a.hook.1']);
    expect((await store.outbox.ofIncident('inc_a')).map((r) => [r.status, r.attempts, r.sent_at])).toEqual([
      ['sent', 1, t0 + CLAIM_MS + 1000],
      ['sent', 1, t0 + CLAIM_MS + 1000],
    ]);

    clock.advance(3600);
    await relay.tick();
    expect(receiver.hits).toHaveLength(4);
  });

  it('keeps the sent of the replica that took over an expired claim when the first one answers late', async () => {
    const slow = await replica('replica-slow');
    const other = await replica('replica-other');
    const t0 = clock.now();
    await slow.store.outbox.insert([row('inc_x', 'hook', 0, t0)]);
    // The first attempt hangs at the receiver; the ones after it are answered at once.
    receiver.hold = () => receiver.hits.length === 1;

    const slowTick = slow.relay.tick();
    await receiver.holding(1);
    // While the claim holds, the other replica leaves the row alone.
    await other.relay.tick();
    expect(receiver.hits).toHaveLength(1);

    // The slow replica's claim runs out: the other sends the notification and records it.
    clock.advance(CLAIM_MS / 1000 + 1);
    await other.relay.tick();
    expect(receiver.hits.map((h) => h.delivery)).toEqual(['inc_x.hook.0', 'inc_x.hook.0']);
    const sentAt = clock.now();
    // Both attempts reached the receiver, and both are counted (each before it went out).
    expect(await other.store.outbox.get('inc_x.hook.0')).toMatchObject({ status: 'sent', attempts: 2, last_status: 200, sent_at: sentAt, last_attempt_at: sentAt });

    // Now the first attempt ends with a 503 (worth a retry): that late outcome is not recorded.
    receiver.release(503);
    await slowTick;
    expect(await other.store.outbox.get('inc_x.hook.0')).toMatchObject({ status: 'sent', attempts: 2, last_status: 200, last_error: null, sent_at: sentAt });
    expect(await sentBy(other.relay)).toBe(1);

    // And nobody sends it again.
    clock.advance(3600);
    await Promise.all([slow.relay.tick(), other.relay.tick()]);
    expect(receiver.hits).toHaveLength(2);
  });

  it('lets a late answer to an expired claim disturb no attempt of the replica that took the row over', async () => {
    const slow = await replica('replica-slow');
    const other = await replica('replica-other');
    const t0 = clock.now();
    await slow.store.outbox.insert([row('inc_y', 'hook', 0, t0)]);
    // Both attempts hang at the receiver until the test answers them.
    receiver.hold = () => true;

    const slowTick = slow.relay.tick();
    await receiver.holding(1);
    clock.advance(CLAIM_MS / 1000 + 1);
    const otherTick = other.relay.tick();
    await receiver.holding(2);

    // The first replica hears 503 while the second's attempt is still out: the row stays the second's
    // (both attempts counted as they went out, no outcome recorded yet).
    receiver.release(503);
    await slowTick;
    expect(await slow.store.outbox.get('inc_y.hook.0')).toMatchObject({ status: 'pending', attempts: 2, last_status: null, last_attempt_at: clock.now() });

    receiver.release(200);
    await otherTick;
    expect(await slow.store.outbox.get('inc_y.hook.0')).toMatchObject({ status: 'sent', attempts: 2, last_status: 200, sent_at: clock.now() });

    // Sent once recorded, it is not sent a third time, by either.
    clock.advance(3600);
    await Promise.all([slow.relay.tick(), other.relay.tick()]);
    expect(receiver.hits.map((h) => h.delivery)).toEqual(['inc_y.hook.0', 'inc_y.hook.0']);
  });
});

describe('notification.claim_seconds', () => {
  const hook = (timeout_seconds: number) => ({ type: 'webhook', url: 'https://hooks.example/x', timeout_seconds });

  it('is 30 seconds unless set, or 10 s more than the longest receiver timeout', () => {
    expect(NotificationConfigSchema.parse({}).claim_seconds).toBe(30);
    expect(NotificationConfigSchema.parse({ channels: { a: hook(10), b: hook(60) } }).claim_seconds).toBe(70);
  });

  it('when set, must outlast every receiver timeout, or a notification still in flight could be sent by another replica', () => {
    expect(NotificationConfigSchema.safeParse({ channels: { a: hook(10) }, claim_seconds: 11 }).success).toBe(true);
    const res = NotificationConfigSchema.safeParse({ channels: { a: hook(10), b: hook(30) }, claim_seconds: 30 });
    expect(res.success).toBe(false);
    expect(res.error?.issues).toEqual([
      expect.objectContaining({ path: ['claim_seconds'], message: expect.stringContaining('receiver "b"') }),
    ]);
  });
});
