/**
 * Reliability 19, "no partial batch": a batch with one invalid element is a 400 naming that
 * element's index and stores nothing of the batch; an all-valid batch is a 202 that stores every
 * event exactly once, and posting it again stores nothing new. Also with batches in flight at once,
 * which the group commit writes in one transaction.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { startBackend, type Backend } from '../harness';
import { eventBreak, validEvent, type EventBreak } from './payloads';

const MAX_BATCH = 50;
const RUNS = 100;

jest.setTimeout(60_000);

let b: Backend;
beforeAll(async () => {
  b = await startBackend({ ingest: { max_batch: MAX_BATCH } });
});
afterAll(async () => {
  await b?.close();
});

let run = 0;

/** Gives each event an id no other run uses, keeping (up to 100 code points of) the generated one. */
function uniqueIds(events: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  run += 1;
  return events.map((e, i) => ({ ...e, event_id: `r${run}.${i}:${[...String(e.event_id ?? '')].slice(0, 100).join('')}` }));
}

async function totalStored(): Promise<number> {
  return b.manager.services.store.events.count();
}

/** How often each id is stored. */
async function storedCounts(ids: string[]): Promise<Map<string, number>> {
  const rows = await b.manager.services.store.db
    .selectFrom('events')
    .select(['event_id', sql<number>`count(*)`.as('n')])
    .where('event_id', 'in', ids)
    .groupBy('event_id')
    .execute();
  return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
}

const batch = fc.array(validEvent, { minLength: 1, maxLength: 20 });

/** A valid batch with one element broken, and what the 400 must name. */
const brokenBatch = fc.tuple(batch, fc.nat(), eventBreak).map(([events, k, brk]: [Array<Record<string, unknown>>, number, EventBreak]) => {
  const withIds = uniqueIds(events);
  const index = k % withIds.length;
  const body: unknown[] = [...withIds];
  body[index] = brk.apply(withIds[index]);
  const field = brk.field === '' ? `[${index}]` : `[${index}].${brk.field}`;
  return { body, index, field, ids: withIds.map((e) => e.event_id as string) };
});

function expectNamed(res: { status: number; body: any }, index: number, field: string): void {
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  const fields: string[] = res.body.error.details.map((d: { field: string }) => d.field);
  expect(fields).toContain(field);
  // Nothing else of the batch is blamed: every problem is in the broken element.
  for (const f of fields) {
    expect(f === `[${index}]` || f.startsWith(`[${index}].`)).toBe(true);
  }
  expect(res.body.error.message.startsWith(`[${index}]`)).toBe(true);
}

describe('POST /api/v1/events batches', () => {
  it('refuses a batch with one invalid element with a 400 naming its index, and stores none of it', async () => {
    await fc.assert(
      fc.asyncProperty(brokenBatch, async ({ body, index, field, ids }) => {
        const before = await totalStored();
        const res = await b.post('/api/v1/events', body);
        expectNamed(res, index, field);
        expect(await totalStored()).toBe(before);
        expect((await storedCounts(ids)).size).toBe(0);
      }),
      { numRuns: RUNS }
    );
  });

  it('stores an all-valid batch exactly once (202), and nothing new when it is posted again', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (events) => {
        const body = uniqueIds(events);
        const ids = body.map((e) => e.event_id as string);
        const before = await totalStored();
        const res = await b.post('/api/v1/events', body);
        expect(res.status).toBe(202);
        expect(res.body).toEqual({ accepted: body.length, duplicates: 0 });
        const counts = await storedCounts(ids);
        expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
        expect(await totalStored()).toBe(before + body.length);

        const again = await b.post('/api/v1/events', body);
        expect(again).toMatchObject({ status: 202, body: { accepted: 0, duplicates: body.length } });
        expect(await totalStored()).toBe(before + body.length);
      }),
      { numRuns: RUNS }
    );
  });

  it('stores an id repeated inside a batch once and counts the rest as duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(batch, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 5 }), async (events, copies) => {
        const body = uniqueIds(events);
        for (const [from, to] of copies) {
          body[to % body.length] = { ...body[to % body.length], event_id: body[from % body.length].event_id };
        }
        const ids = [...new Set(body.map((e) => e.event_id as string))];
        const before = await totalStored();
        const res = await b.post('/api/v1/events', body);
        expect(res).toMatchObject({ status: 202, body: { accepted: ids.length, duplicates: body.length - ids.length } });
        const counts = await storedCounts(ids);
        expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
        expect(await totalStored()).toBe(before + ids.length);
      }),
      { numRuns: RUNS / 2 }
    );
  });

  it('stores every event without an id (generated ids), all of a valid batch', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (events) => {
        const body = events.map(({ event_id: _id, ...e }) => e);
        const before = await totalStored();
        const res = await b.post('/api/v1/events', body);
        expect(res).toMatchObject({ status: 202, body: { accepted: body.length, duplicates: 0 } });
        expect(await totalStored()).toBe(before + body.length);
      }),
      { numRuns: RUNS / 2 }
    );
  });

  it('keeps batches in flight at once apart: the valid ones whole, the invalid ones not at all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(batch.map((events) => ({ valid: true as const, events })), brokenBatch.map((broken) => ({ valid: false as const, broken }))), { minLength: 2, maxLength: 6 }), async (batches) => {
        const sent = batches.map((x) => (x.valid ? { valid: true, body: uniqueIds(x.events) as unknown[] } : { valid: false, body: x.broken.body, broken: x.broken }));
        const before = await totalStored();
        const answers = await Promise.all(sent.map((x) => b.post('/api/v1/events', x.body)));
        let stored = 0;
        for (const [k, x] of sent.entries()) {
          if (x.valid) {
            expect(answers[k]).toMatchObject({ status: 202, body: { accepted: x.body.length, duplicates: 0 } });
            const ids = (x.body as Array<{ event_id: string }>).map((e) => e.event_id);
            const counts = await storedCounts(ids);
            expect(ids.map((id) => counts.get(id))).toEqual(ids.map(() => 1));
            stored += ids.length;
          } else {
            expectNamed(answers[k], x.broken!.index, x.broken!.field);
            expect((await storedCounts(x.broken!.ids)).size).toBe(0);
          }
        }
        expect(await totalStored()).toBe(before + stored);
      }),
      { numRuns: RUNS / 4 }
    );
    await b.settle();
    expect((await b.get('/readyz')).status).toBe(200);
  });
});

/** The shrunk counterexamples, kept as plain examples. */
describe('regressions', () => {
  it('refuses event ids with a lone surrogate (SQLite stored them as other ids: 202 "0 accepted, 2 duplicates" and 2 rows)', async () => {
    const before = await totalStored();
    const res = await b.post('/api/v1/events', [
      { event_id: 'a\ud800', event_type: 'x', source: 's', message: 'm' },
      { event_id: 'a\udc00', event_type: 'x', source: 's', message: 'm' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['[0].event_id', '[1].event_id']);
    expect(await totalStored()).toBe(before);
  });

  it('refuses metadata nested past the limit with a 400 (JSON.stringify overflowed the stack while storing: 500)', async () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const res = await b.req('POST', '/api/v1/events', `[{"event_type":"x","source":"s","message":"m"},{"event_type":"x","source":"s","message":"m","metadata":${deep}}]`);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['[1].metadata']);
  });

  it('names the body when a single event is not an object (the field was "")', async () => {
    for (const body of ['0', 'null', '"event"', 'true']) {
      const res = await b.req('POST', '/api/v1/events', body);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ field: 'body', message: expect.any(String) }]);
    }
  });

  it('names the field, not a 500, for an object zod cannot convert where a string goes', async () => {
    const res = await b.req('POST', '/api/v1/events', '[{"event_type":"x","source":"s","message":"m"},{"event_id":{"length":{"toString":""}},"event_type":"x","source":"s","message":"m"}]');
    expect(res.status).toBe(400);
    expect(new Set(res.body.error.details.map((d: { field: string }) => d.field))).toEqual(new Set(['[1].event_id']));
  });
});
