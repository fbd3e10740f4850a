import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { NewEvent, StoredEvent } from '../domain/records';
import { openSqlite } from '../store/db';
import { Store } from '../store/store';
import { RecentEvents } from './recent-events';

/** Held events come from memory when recent, from the real store otherwise, in the detector's order. */
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mahavishnu-recent-'));
  store = new Store(openSqlite({ dataDir: dir, synchronous: 'normal' }).db);
  await store.migrate();
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = (i: number): NewEvent => ({
  event_id: `e${i}`,
  ts: 1000 + i,
  received_at: 1000 + i,
  event_type: 'checkout_error',
  source: `svc-${i % 3}`,
  severity: 'high',
  message: `failure ${i}`,
  metadata: { i },
  correlation_id: null,
});

const places = (events: StoredEvent[]) => events.map((e) => ({ seq: e.seq, ts: e.ts, source: e.source }));

it('takes recent events from memory and older ones from the store, in the order given', async () => {
  const stored = await store.transaction((tx) => tx.events.append(Array.from({ length: 10_000 }, (_, i) => event(i))));
  const recent = new RecentEvents(store.events, pino({ level: 'silent' }));
  recent.reset(undefined);
  for (const e of stored) {
    recent.remember(e);
  }
  // The first events are no longer among the recent ones; the last are.
  const picked = [stored[9_999], stored[3], stored[9_998], stored[0]];
  const found = await recent.of(places(picked));
  expect(found).toEqual(picked);
  // Recent ones are the very objects the engine processed; the others were read back.
  expect(found[0]).toBe(stored[9_999]);
  expect(found[1]).not.toBe(stored[3]);
});

it('stands in for an event the store no longer holds, with what the window knew of it', async () => {
  const [kept] = await store.transaction((tx) => tx.events.append([event(1)]));
  const gone: StoredEvent = { ...kept, seq: kept.seq + 100, event_id: 'gone' };
  const found = await new RecentEvents(store.events, pino({ level: 'silent' })).of(places([kept, gone]));
  expect(found).toEqual([
    kept,
    {
      seq: gone.seq,
      event_id: `seq-${gone.seq}`,
      ts: gone.ts,
      received_at: gone.ts,
      event_type: 'unknown',
      source: gone.source,
      severity: 'info',
      message: '',
      metadata: {},
      correlation_id: null,
    },
  ]);
});

describe('events of a correlation id', () => {
  const withId = (i: number, ts: number, id: string): NewEvent => ({ ...event(i), ts, correlation_id: id });

  it('are found in memory, or in the store once older ones were forgotten, in log order and only in their ranges', async () => {
    const news = Array.from({ length: 9_000 }, (_, i) => withId(i, 100_000 + i, i % 1000 === 0 ? 'trace-a' : `t${i}`));
    news.push(withId(9_000, 50, 'trace-a'), withId(9_001, 200_000, 'trace-b'));
    const stored = await store.transaction((tx) => tx.events.append(news));
    const recent = new RecentEvents(store.events, pino({ level: 'silent' }));
    recent.reset(undefined);
    for (const e of stored) {
      recent.remember(e);
    }
    const ids = (es: StoredEvent[]) => es.map((e) => e.event_id);
    const last = stored[stored.length - 1].seq + 1;
    // From a time after everything forgotten: memory alone answers, the same as the store would.
    expect(ids(await recent.correlated([{ correlationId: 'trace-a', from: 105_000, to: Infinity }], last))).toEqual(['e5000', 'e6000', 'e7000', 'e8000']);
    // Earlier: the forgotten events come from the store.
    expect(ids(await recent.correlated([{ correlationId: 'trace-a', from: 0, to: 103_000 }], last))).toEqual(['e0', 'e1000', 'e2000', 'e9000']);
    expect(ids(await recent.correlated([{ correlationId: 'trace-a', from: 0, to: 103_000 }, { correlationId: 'trace-b', from: 0, to: Infinity }], stored[9_001].seq))).toEqual([
      'e0',
      'e1000',
      'e2000',
      'e9000',
    ]);
  });

  it('after a restart are looked up in the store until memory holds everything after the time asked', async () => {
    const stored = await store.transaction((tx) => tx.events.append([withId(1, 1000, 'x'), withId(2, 2000, 'x')]));
    const recent = new RecentEvents(store.events, pino({ level: 'silent' }));
    recent.reset(await store.events.newestTs());
    expect((await recent.correlated([{ correlationId: 'x', from: 0, to: Infinity }], 100)).map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
  });
});
