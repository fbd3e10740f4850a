import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { FencedError, type Signal } from '../src/cluster/leadership';
import { clusterNames, LOCK_SPACE } from '../src/cluster/names';
import { PostgresLeadership } from '../src/cluster/postgres-leadership';
import { openPostgres } from '../src/store/db';
import { Store } from '../src/store/store';
import { until } from './process';
import { dropSchemas, TEST_PG_URL, TEST_STORE } from './test-store';

/** Leader election, fencing, signals and ordered appends over a real PostgreSQL, in one process. */
const describeOnPostgres = TEST_STORE === 'postgres' ? describe : describe.skip;
jest.setTimeout(30_000);

interface Member {
  name: string;
  store: Store;
  leadership: PostgresLeadership;
  elected: number[];
  deposed: string[];
  heard: Signal[];
}

let schema: string;
let admin: Client;
const members: Member[] = [];

async function member(name: string, timing = { leaseMs: 1000, heartbeatMs: 100 }): Promise<Member> {
  const { db } = await openPostgres({ url: TEST_PG_URL, schema });
  const store = new Store(db, schema);
  await store.migrate();
  const leadership = new PostgresLeadership(store, { url: TEST_PG_URL, schema, replicaId: name, ...timing, logger: pino({ level: 'silent' }) });
  const m: Member = { name, store, leadership, elected: [], deposed: [], heard: [] };
  leadership.onSignal((s) => m.heard.push(s));
  await leadership.start(
    {
      elected: async (term) => void m.elected.push(term),
      deposed: async (reason) => void m.deposed.push(reason),
    },
    `http://${name}.invalid`
  );
  members.push(m);
  return m;
}

beforeEach(async () => {
  schema = `lead_${randomBytes(6).toString('hex')}`;
  if (TEST_STORE === 'postgres') {
    admin = new Client({ connectionString: TEST_PG_URL });
    await admin.connect();
  }
});

afterEach(async () => {
  for (const m of members.splice(0)) {
    await m.leadership.close();
    await m.store.close();
  }
  if (TEST_STORE === 'postgres') {
    await admin.end();
    await dropSchemas([schema]);
  }
});

describeOnPostgres('leader election on PostgreSQL', () => {
  it('one replica leads; a standby knows it; only the leader passes the fence', async () => {
    const a = await member('a');
    const b = await member('b');
    expect(a.leadership.leading).toBe(true);
    expect(a.elected).toEqual([1]);
    expect(b.leadership.leading).toBe(false);
    await until('b reads the lease', () => b.leadership.leader()?.replicaId === 'a');
    expect(b.leadership.leader()).toMatchObject({ replicaId: 'a', term: 1, address: 'http://a.invalid' });

    await a.store.transaction((tx) => a.leadership.fence(tx));
    await expect(b.store.transaction((tx) => b.leadership.fence(tx))).rejects.toThrow(FencedError);
  });

  it('when the leader loses its session, a standby leads in a new term and the old leader is fenced out at once', async () => {
    // The leader beats slowly, so the standby is first to find the lock free.
    const a = await member('a', { leaseMs: 4000, heartbeatMs: 2000 });
    const b = await member('b');
    // What a crash does to the leader's connection: the server ends the session and frees the lock.
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [`mahavishnu/${schema} a leader`]);
    await until('b leads', () => b.leadership.leading, 5000);
    expect(b.elected).toEqual([2]);
    // a has not noticed yet, but can no longer commit as the engine.
    await expect(a.store.transaction((tx) => a.leadership.fence(tx))).rejects.toThrow(/b leads in term 2/);
    await b.store.transaction((tx) => b.leadership.fence(tx));
    // At its next beat it finds the lock taken and steps down.
    await until('a steps down', () => a.deposed.length === 1, 5000);
    expect(a.leadership.leading).toBe(false);
  });

  it('a leader whose connection breaks while no standby is there reconnects and keeps leading in the same term', async () => {
    const a = await member('a');
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [`mahavishnu/${schema} a leader`]);
    await until('a holds the lock on a new session', async () => (await admin.query(`select 1 from pg_stat_activity where application_name = $1`, [`mahavishnu/${schema} a leader`])).rowCount === 1, 5000);
    await until('a passes the fence again', async () => (await a.store.transaction((tx) => a.leadership.fence(tx)).then(() => true, () => false)), 5000);
    expect(a.leadership.leading).toBe(true);
    expect(a.elected).toEqual([1]);
    expect(a.deposed).toEqual([]);
  });

  it('a leader that closes hands over at once, without waiting for its lease', async () => {
    const a = await member('a');
    const b = await member('b');
    await a.leadership.close();
    await until('b leads', () => b.leadership.leading, 3000);
    expect(b.elected).toEqual([2]);
  });

  it('signals reach the other replicas, not the sender', async () => {
    const a = await member('a');
    const b = await member('b');
    b.heard.length = 0;
    a.heard.length = 0;
    await a.leadership.signal({ kind: 'keys' });
    await a.store.transaction((tx) => a.leadership.signal({ kind: 'incidents', created: ['inc_00001'], updated: ['inc_00002'] }, tx));
    await until('b hears both', () => b.heard.length === 2, 3000);
    expect(b.heard).toEqual([{ kind: 'keys' }, { kind: 'incidents', created: ['inc_00001'], updated: ['inc_00002'] }]);
    expect(a.heard).toEqual([]);
  });

  it('appends from two replicas commit in seq order: the second waits for the first to commit', async () => {
    const a = await member('a');
    const b = await member('b');
    const event = (id: string) => ({ event_id: id, ts: 1, received_at: 1, event_type: 'x', source: 's', severity: 'high' as const, message: 'm', metadata: {}, correlation_id: null });
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((r) => (releaseFirst = r));
    let firstAppended!: () => void;
    const appended = new Promise<void>((r) => (firstAppended = r));
    const first = a.store.transaction(async (tx) => {
      await a.leadership.orderAppend(tx);
      const stored = await tx.events.append([event('first')]);
      firstAppended();
      await firstHolds;
      return stored;
    });
    await appended;
    const { appendLock } = clusterNames(schema);
    const waiting = async () =>
      (await admin.query(`select 1 from pg_locks where locktype = 'advisory' and not granted and classid = $1::int4::oid and objid = $2::int4::oid`, [LOCK_SPACE, appendLock])).rowCount === 1;
    let secondDone = false;
    const second = b.store.transaction(async (tx) => {
      await b.leadership.orderAppend(tx);
      return tx.events.append([event('second')]);
    }).finally(() => (secondDone = true));
    try {
      await until('the second append waits on the lock', waiting, 5000);
      expect(secondDone).toBe(false);
    } finally {
      releaseFirst();
    }
    const [[one], [two]] = await Promise.all([first, second]);
    expect(two.seq).toBeGreaterThan(one.seq);
  });
});
