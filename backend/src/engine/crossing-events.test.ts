import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { BUILTIN_RULES } from '../detection/builtin-rules';
import type { Detection } from '../detection/detector';
import type { NewEvent, StoredEvent } from '../domain/records';
import { openSqlite } from '../store/db';
import { Store } from '../store/store';
import { CrossingEvents } from './crossing-events';

/** A crossing's events come from memory when recent, from the real store otherwise, in the detector's order. */
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mahavishnu-crossing-'));
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

const crossing = (held: StoredEvent[]): Extract<Detection, { kind: 'open' }> => ({
  kind: 'open',
  rule: BUILTIN_RULES[0],
  groupKey: '',
  held: held.map((e) => ({ seq: e.seq, ts: e.ts, source: e.source })),
  stats: { count: held.length, sources: 1, error_ratio: 1 },
});

it('takes recent events from memory and older ones from the store, in the order the detector gave', async () => {
  const stored = await store.transaction((tx) => tx.events.append(Array.from({ length: 10_000 }, (_, i) => event(i))));
  const crossings = new CrossingEvents(store.events, pino({ level: 'silent' }));
  for (const e of stored) {
    crossings.remember(e);
  }
  // The first events are no longer among the recent ones; the last are.
  const picked = [stored[9_999], stored[3], stored[9_998], stored[0]];
  const d = crossing(picked);
  const found = await crossings.of([
    d,
    { kind: 'attach', rule: BUILTIN_RULES[0], groupKey: '', incidentId: 'inc_00001' },
  ]);
  expect([...found.keys()]).toEqual([d]);
  expect(found.get(d)).toEqual(picked);
  // Recent ones are the very objects the engine processed; the others were read back.
  expect(found.get(d)![0]).toBe(stored[9_999]);
  expect(found.get(d)![1]).not.toBe(stored[3]);
});

it('stands in for an event the store no longer holds, with what the window knew of it', async () => {
  const [kept] = await store.transaction((tx) => tx.events.append([event(1)]));
  const gone: StoredEvent = { ...kept, seq: kept.seq + 100, event_id: 'gone' };
  const d = crossing([kept, gone]);
  const found = await new CrossingEvents(store.events, pino({ level: 'silent' })).of([d]);
  expect(found.get(d)).toEqual([
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
