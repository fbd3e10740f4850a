import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { answerFor } from '../api/errors';
import type { NewEvent } from '../domain/records';
import { ManualClock } from '../util/clock';
import { openSqlite } from './db';
import { classifyFault, describeFault, StorageFullError, StoreUnavailableError, toStoreFault } from './faults';
import { StoreHealth } from './health';
import { Store } from './store';

/** What drivers throw, as they throw it (codes and messages from `pg`, its pool, better-sqlite3 and node). */
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });
const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code, name: 'SqliteError' });
const sysError = (code: string, message: string) => Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });

describe('classifyFault', () => {
  it.each([
    ['a terminated session (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a crashed server (57P02)', pgError('57P02', 'terminating connection due to crash of another server process')],
    ['a server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', pgError('08006', 'connection failure')],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['a refused connection', sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', sysError('ECONNRESET', 'read ECONNRESET')],
    ['every address refused (AggregateError)', Object.assign(new AggregateError([sysError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432')], ''), { code: 'ECONNREFUSED' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    ['pg: a client that broke', new Error('Client has encountered a connection error and is not queryable')],
    ['a socket error as the cause', new Error('query failed', { cause: sysError('EPIPE', 'write EPIPE') })],
  ])('%s: the store is unavailable', (_what, err) => {
    expect(classifyFault(err)).toBe('unavailable');
  });

  it.each([
    ['SQLite SQLITE_FULL', sqliteError('SQLITE_FULL', 'database or disk is full')],
    ['SQLite write I/O error', sqliteError('SQLITE_IOERR_WRITE', 'disk I/O error')],
    ['ENOSPC', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })],
    ['PostgreSQL disk_full (53100)', pgError('53100', 'could not extend file "base/16384/16385": No space left on device')],
    ['PostgreSQL could not extend file, without a code', new Error('could not extend file "base/1/2": wrote only 4096 of 8192 bytes')],
  ])('%s: the storage is full', (_what, err) => {
    expect(classifyFault(err)).toBe('full');
  });

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['SQLITE_BUSY beyond its timeout', sqliteError('SQLITE_BUSY', 'database is locked')],
    ['a constraint on SQLite', sqliteError('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: events.event_id')],
    ['a syntax error', pgError('42601', 'syntax error at or near "selec"')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['not an error at all', 'oops'],
    ['nothing', undefined],
  ])('%s: not a store fault', (_what, err) => {
    expect(classifyFault(err)).toBeNull();
    expect(toStoreFault(err, 2)).toBeNull();
  });
});

describe('the answer to a store fault', () => {
  it('unavailable: 503 with Retry-After, never a 500', () => {
    const fault = toStoreFault(pgError('57P01', 'terminating connection due to administrator command'), 3)!;
    expect(fault).toBeInstanceOf(StoreUnavailableError);
    expect(fault.retryAfterSeconds).toBe(3);
    expect(answerFor(fault)).toEqual({
      status: 503,
      bug: false,
      body: { error: { code: 'store_unavailable', message: 'store unavailable: terminating connection due to administrator command (57P01); retry later' } },
    });
  });

  it('full: 507 with Retry-After and a message naming the cause', () => {
    const fault = toStoreFault(sqliteError('SQLITE_FULL', 'database or disk is full'), 2)!;
    expect(fault).toBeInstanceOf(StorageFullError);
    expect(answerFor(fault)).toMatchObject({ status: 507, bug: false, body: { error: { code: 'storage_full', message: 'storage full: database or disk is full (SQLITE_FULL); retry once space is freed' } } });
  });

  it('an AggregateError with no message of its own is described by its first error', () => {
    expect(describeFault(Object.assign(new AggregateError([sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')], ''), { code: 'ECONNREFUSED' }))).toBe(
      'connect ECONNREFUSED 127.0.0.1:5432'
    );
  });

  it('a typed fault stays itself', () => {
    const fault = new StorageFullError(new Error('x'), 1);
    expect(toStoreFault(fault, 9)).toBe(fault);
  });
});

describe('StoreHealth', () => {
  function health(probe: () => Promise<void>) {
    const lines: Array<{ level: string; msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const clock = new ManualClock();
    const h = new StoreHealth({ clock, logger, target: '/data/mahavishnu.sqlite', retryAfterSeconds: 2, probeMs: 100, probe, timers: false });
    return { h, clock, lines };
  }

  it('the first fault makes it unhealthy, logged once; a probe that works makes it healthy, logged once with how long it took', async () => {
    let works = false;
    const { h, clock, lines } = health(async () => {
      if (!works) {
        throw sqliteError('SQLITE_FULL', 'database or disk is full');
      }
    });
    const changes: boolean[] = [];
    h.onChange((healthy) => changes.push(healthy));
    expect(h.report(new Error('UNIQUE constraint failed'))).toBeNull();
    expect(h.healthy).toBe(true);
    h.report(sqliteError('SQLITE_FULL', 'database or disk is full'));
    h.report(sqliteError('SQLITE_FULL', 'database or disk is full'));
    expect(h.state).toBe('full');
    expect(() => h.assertHealthy()).toThrow(StorageFullError);
    await h.probeNow();
    expect(h.healthy).toBe(false);
    clock.advance(3);
    works = true;
    await h.probeNow();
    expect(h.healthy).toBe(true);
    expect(changes).toEqual([false, true]);
    expect(lines.map((l) => l.msg)).toEqual([
      'storage full: /data/mahavishnu.sqlite: database or disk is full (SQLITE_FULL); writes fail until space is freed',
      'store available again after 3000 ms',
    ]);
  });

  it('full is said over unavailable: it tells what to do', () => {
    const { h } = health(async () => undefined);
    h.report(new Error('Connection terminated unexpectedly'));
    expect(h.state).toBe('unavailable');
    h.report(pgError('53100', 'could not extend file'));
    expect(h.state).toBe('full');
  });
});

describe('a real SQLite store out of space', () => {
  let dir: string;
  let store: Store;
  let file: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mahavishnu-faults-'));
    const opened = openSqlite({ dataDir: dir, synchronous: 'normal', fault: (err) => toStoreFault(err, 2) ?? err });
    file = opened.file;
    store = new Store(opened.db);
    await store.migrate();
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a transaction that runs out of space fails with the storage fault, not with its rollback; writes work again once there is room', async () => {
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(store.db)).rows[0].page_count;
    // SQLite's own limit on the file's pages says "database or disk is full" as a full disk does.
    await sql.raw(`pragma max_page_count = ${pages + 2}`).execute(store.db);
    const events: NewEvent[] = Array.from({ length: 200 }, (_, i) => ({
      event_id: `e${i}`,
      ts: 1000 + i,
      received_at: 1000 + i,
      event_type: 'job_error',
      source: 'svc',
      severity: 'high',
      message: 'x'.repeat(2000),
      metadata: {},
      correlation_id: null,
    }));
    const failed = await store.transaction((tx) => tx.events.append(events)).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(StorageFullError);
    expect((failed as Error).message).toBe('storage full: database or disk is full (SQLITE_FULL); retry once space is freed');
    expect(await store.events.after(0, 10)).toEqual([]);
    await sql.raw('pragma max_page_count = 1073741823').execute(store.db);
    expect(await store.transaction((tx) => tx.events.append(events))).toHaveLength(200);
    expect(file).toBe(join(dir, 'mahavishnu.sqlite'));
  });
});
