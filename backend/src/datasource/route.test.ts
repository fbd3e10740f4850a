import { OPEN_CALLER } from '../security/caller';
import express from 'express';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { errorMiddleware } from '../api/errors';
import { buildOpenApi } from '../api/openapi';
import { parseBody } from '../api/route';
import { queryRoutes } from '../api/routes/query';
import type { Services } from '../api/services';
import { NotFoundError } from '../util/errors';

const T0 = Date.parse('2026-11-26T10:00:00Z');

/** Only what `querySource` touches; the rest of Services is not read. */
const services = {
  clock: { now: () => T0 },
  incidents: {
    list: async () => [],
    stats: async () => ({ total_incidents: 0, active_incidents: 0, resolved_incidents: 0, avg_mttd: null, avg_mttr: null, auto_resolved: 0, manual_resolved: 0 }),
    timeline: async (id: string) => {
      throw new NotFoundError(`incident ${id} not found`);
    },
  },
  store: { events: { list: async () => [] } },
  rules: { list: () => [] },
} as unknown as Services;

/** Mounts the route as app.ts mounts every route table: body validated, JSON answered, errors shaped. */
async function serve(): Promise<{ post: (body: unknown) => Promise<{ status: number; body: any }>; close: () => void }> {
  const app = express();
  app.use(express.json());
  for (const r of queryRoutes(services)) {
    app[r.method](r.path, async (req, res) => {
      const body = parseBody(r.body, req.body);
      res.status(200).json(await r.handler({ req, res, body, query: undefined, params: {}, actor: null, caller: OPEN_CALLER }));
    });
  }
  app.use(errorMiddleware(pino({ level: 'silent' })));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/query`;
  return {
    post: async (body) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    close: () => server.close(),
  };
}

describe('POST /api/v1/query', () => {
  let api: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => (api = await serve()));
  afterAll(() => api.close());

  const range = { from: new Date(T0).toISOString(), to: T0 + 3600_000 };

  it('answers frames per refId, and a 404 on the failing refId only', async () => {
    const res = await api.post({ range, queries: [{ refId: 'A', queryType: 'stats' }, { refId: 'B', queryType: 'timeline', incident_id: 'INC-x' }] });
    expect(res.status).toBe(200);
    expect(res.body.results.A.frames[0].schema).toMatchObject({ refId: 'A', name: 'stats' });
    expect(res.body.results.A.frames[0].data.values[0]).toEqual([0]);
    expect(res.body.results.B).toEqual({ error: 'incident INC-x not found', status: 404, frames: [] });
  });

  it('refuses an unknown queryType and a timeline without incident_id with a 400 naming the field', async () => {
    const bad = await api.post({ range, queries: [{ refId: 'A', queryType: 'stats' }, { refId: 'B', queryType: 'logs' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['body.queries[1].queryType']);
    const missing = await api.post({ range, queries: [{ refId: 'A', queryType: 'timeline' }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('queries[0].incident_id');
  });

  it('is described in the OpenAPI document', () => {
    const doc = buildOpenApi(queryRoutes(services), '1.0.0') as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> };
    const op = doc.paths['/api/v1/query'].post;
    expect(op.requestBody).toBeDefined();
    expect(Object.keys(op.responses)).toEqual(['200', '400']);
  });
});
