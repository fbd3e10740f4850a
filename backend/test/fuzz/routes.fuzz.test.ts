/**
 * Reliability 16 and 19: no input makes a 5xx. Every route of the OpenAPI document (generated from
 * the route tables, so a new route is fuzzed without touching this file) gets arbitrary and
 * near-valid bodies, hostile query strings and path parameters, and raw bytes; every answer is
 * below 500, every 4xx has the contract's error shape, every 400 names a field, and the process
 * still serves afterwards.
 */
import http from 'node:http';
import fc from 'fast-check';
import { ApiErrorSchema } from '../../src/schema/errors';
import { startBackend, type Backend } from '../harness';
import { bodyText, fromSchema, type JsonSchema } from './arbitraries';
import { encodeSegment, pathSegment, queryString, rawBody, type RawBody } from './http-parts';
import { ALERTMANAGER_FIXTURE, deepMetadataEventText, eventsBodyText, GRAFANA_FIXTURE, nearValidEvent, webhookPayload } from './payloads';

/** Small, so that the fuzz also crosses the limit; the batch limit likewise. */
const BODY_LIMIT = 64 * 1024;
const MAX_BATCH = 50;
/** Runs of the main property per route: about 40 routes at 1-5 ms a request, some 10 s in all. */
const RUNS_PER_ROUTE = 150;

jest.setTimeout(120_000);

interface Op {
  method: string;
  /** The OpenAPI path, `{id}` style. */
  path: string;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: JsonSchema }>;
  body?: JsonSchema;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

let b: Backend;
let agent: http.Agent;
let ops: Op[] = [];
/** The credential every request carries, once the route table has API keys and the suite made one. */
let auth: Record<string, string> = {};
const known: { incident: string[]; rule: string[]; action: string[] } = { incident: [], rule: [], action: [] };

beforeAll(async () => {
  b = await startBackend({ server: { body_limit_bytes: BODY_LIMIT }, ingest: { max_batch: MAX_BATCH } });
  agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  // Something for path parameters to find, so that handlers get past their 404.
  const created = await b.post('/api/v1/incidents', { incident_type: 'service_down', severity: 'high', title: 'Fuzz target', components: ['api'] });
  known.incident.push(created.body.incident_id);
  await b.post('/api/v1/rules', { rule_id: 'fz_rule', name: 'Fuzz rule', incident_type: 'error_burst', severity: 'high', error_threshold: 1, time_window_seconds: 60, match: { event_types: ['*'] } });
  known.rule.push('fz_rule', 'error_burst', 'external_alert');
  await b.post('/api/v1/events', { event_type: 'api_error', source: 'api', message: 'x', timestamp: '2026-11-26T09:59:00Z' });
  await b.settle();
  for (const inc of (await b.get('/api/v1/incidents')).body) {
    known.incident.push(inc.incident_id);
  }
  const actions = (await b.get(`/api/v1/incidents/${known.incident[0]}/actions`)).body;
  known.action.push(...actions.map((a: { action_id: string }) => a.action_id), 'restart_service');
  ops = operations((await b.get('/api/v1/openapi.json')).body);
  // With API keys, the first key switches authentication on: make an admin key before the fuzz
  // creates one by chance (and locks the suite out), and send it with every request.
  if (ops.some((o) => o.method === 'POST' && o.path === '/api/v1/keys')) {
    const created = await b.post('/api/v1/keys', { name: 'fuzz-suite-admin', role: 'admin' });
    expect(created.status).toBe(201);
    auth = { authorization: `Bearer ${created.body.key}` };
  }
});

afterAll(async () => {
  agent?.destroy();
  await b?.close();
});

/** Every operation of the OpenAPI document. */
function operations(doc: { paths: Record<string, Record<string, any>> }): Op[] {
  const out: Op[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params: Array<{ name: string; in: string; schema: JsonSchema }> = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return out;
}

/** Sends bytes as they are: no URL normalization (`..` stays), any header, any body. */
function send(method: string, path: string, body?: Buffer, headers: Record<string, string | number> = {}): Promise<Answer> {
  const { port } = new URL(b.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: { ...auth, ...headers, ...(body ? { 'content-length': body.length } : {}) } },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (contentType.startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, contentType, text: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

function show(text: string | Buffer | undefined, max = 300): string {
  const s = text === undefined ? '(none)' : typeof text === 'string' ? text : text.toString('latin1');
  return s.length > max ? `${JSON.stringify(s.slice(0, max))}... (${s.length} chars)` : JSON.stringify(s);
}

/** The contract for any answer: below 500; a 4xx is `{error: {code, message}}`; a 400 names a field. */
function checkAnswer(what: string, a: Answer, opts: { jsonErrors?: boolean } = {}): void {
  const where = `${what.length > 600 ? `${what.slice(0, 600)}...` : what}\n  -> ${a.status} ${a.contentType} ${show(a.text)}`;
  if (a.status >= 500) {
    throw new Error(`5xx: ${where}`);
  }
  if (a.status < 400 || opts.jsonErrors === false) {
    return;
  }
  if (!a.contentType.includes('application/json')) {
    throw new Error(`4xx without a JSON error: ${where}`);
  }
  const parsed = ApiErrorSchema.safeParse(JSON.parse(a.text));
  if (!parsed.success) {
    throw new Error(`4xx not in the error shape: ${where}`);
  }
  if (a.status === 400) {
    const details = parsed.data.error.details ?? [];
    if (details.length === 0 || details.some((d) => d.field === '')) {
      throw new Error(`400 that names no field: ${where}`);
    }
  }
}

async function expectAlive(): Promise<void> {
  expect((await send('GET', '/healthz')).status).toBe(200);
  expect((await send('GET', '/readyz')).status).toBe(200);
}

/** A path of the operation with its parameters filled from `values` (already encoded). */
function fill(op: Op, values: string[]): string {
  let i = 0;
  return op.path.replace(/\{[^}]+\}/g, () => values[i++] ?? 'x');
}

function paramArb(name: string, op: Op): fc.Arbitrary<string> {
  const pool = name === 'action_id' ? known.action : op.path.startsWith('/api/v1/rules') ? known.rule : known.incident;
  return fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...pool).map(encodeSegment) }, { weight: 3, arbitrary: pathSegment });
}

const json = (v: unknown): string => JSON.stringify(v) ?? 'null';

/** Bodies that know a route's domain better than its JSON Schema does, mixed into its schema's bodies. */
const DOMAIN_BODIES: Record<string, fc.Arbitrary<string>> = {
  'POST /api/v1/events': eventsBodyText,
  'POST /api/v1/webhooks/alertmanager': webhookPayload(ALERTMANAGER_FIXTURE, false).map(json),
  'POST /api/v1/webhooks/grafana': webhookPayload(GRAFANA_FIXTURE, true).map(json),
  'POST /api/v1/rules/{id}/test': fc.oneof(
    fc.record({ events: fc.array(nearValidEvent, { minLength: 1, maxLength: 5 }), dry_run: fc.boolean() }).map(json),
    deepMetadataEventText.map((e) => `{"events":[${e}],"dry_run":false}`)
  ),
};

/** Mostly the suite's key; sometimes none, or a broken one (a 401 in the error shape, never a 5xx). */
const credential: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('', 'Bearer', 'Bearer ', 'Bearer x', 'Basic', 'Basic %%%', 'Basic Og==', `Basic ${Buffer.from('a:').toString('base64')}`, 'Digest x', 'Bearer \u00ff')
      .map((authorization) => ({ authorization })),
  }
);

function requestArb(op: Op): fc.Arbitrary<{ path: string; body?: string; headers: Record<string, string> }> {
  const params = fc.tuple(...op.pathParams.map((p) => paramArb(p, op)));
  const schemas = new Map(op.queryParams.map((q) => [q.name, q.schema]));
  const query = queryString(op.queryParams.map((q) => q.name), (name) => {
    const s = schemas.get(name);
    return s ? fromSchema(s).map((v) => String(v)) : undefined;
  });
  const domain = DOMAIN_BODIES[`${op.method} ${op.path}`];
  const body = op.method === 'GET' || op.method === 'DELETE' ? fc.constant(undefined) : domain ? fc.oneof(bodyText(op.body), domain) : bodyText(op.body);
  return fc.record({ params, query, body, headers: credential }).map(({ params: p, query: q, body: t, headers }) => ({ path: fill(op, p as string[]) + q, body: t, headers }));
}

describe('every route of the OpenAPI document', () => {
  it('lists the routes of the contract', () => {
    const names = ops.map((o) => `${o.method} ${o.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/v1/events',
        'GET /api/v1/events',
        'POST /api/v1/webhooks/alertmanager',
        'POST /api/v1/webhooks/grafana',
        'GET /api/v1/incidents',
        'POST /api/v1/incidents',
        'PATCH /api/v1/incidents/{id}',
        'POST /api/v1/incidents/{id}/actions/{action_id}',
        'POST /api/v1/rules',
        'POST /api/v1/rules/{id}/test',
        'POST /api/v1/query',
      ])
    );
    expect(ops.length).toBeGreaterThanOrEqual(30);
  });

  it('answers arbitrary bodies, queries and path parameters below 500, in the error shape', async () => {
    const timings: string[] = [];
    for (const op of ops) {
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(requestArb(op), async ({ path, body, headers }) => {
          const bytes = body === undefined ? undefined : Buffer.from(body);
          const a = await send(op.method, path, bytes, { ...headers, ...(bytes ? { 'content-type': 'application/json' } : {}) });
          checkAnswer(`${op.method} ${path} ${JSON.stringify(headers)} body ${show(body)}`, a);
        }),
        { numRuns: RUNS_PER_ROUTE }
      );
      await expectAlive();
      timings.push(`${op.method} ${op.path}: ${Date.now() - started} ms`);
    }
    // FUZZ_TIMINGS=1 prints the time each route took.
    if (process.env.FUZZ_TIMINGS) {
      process.stdout.write(`${timings.join('\n')}\n`);
    }
  });

  it('answers raw bytes (bad UTF-8, cut JSON, other content types, gzip) below 500', async () => {
    const writes = ops.filter((o) => o.method !== 'GET');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), rawBody, fc.constantFrom(...known.incident), async (op, raw: RawBody, id) => {
        const path = fill(op, op.pathParams.map((p) => (p === 'action_id' ? known.action[0] : p === 'id' && op.path.startsWith('/api/v1/rules') ? 'fz_rule' : id)));
        const headers: Record<string, string> = {};
        if (raw.contentType !== undefined) headers['content-type'] = raw.contentType;
        if (raw.contentEncoding !== undefined) headers['content-encoding'] = raw.contentEncoding;
        const a = await send(op.method, path, raw.body, headers);
        checkAnswer(`${op.method} ${path} ${raw.label} ${JSON.stringify(headers)} body ${show(raw.body)}`, a);
      }),
      { numRuns: 400 }
    );
    await expectAlive();
  });

  it('answers paths outside the table with a 404 in the error shape, never a 5xx', async () => {
    const segments = fc
      .array(fc.oneof(pathSegment, fc.constantFrom('api', 'v1', 'incidents', 'rules', 'events', 'webhooks', '')), { minLength: 1, maxLength: 5 })
      .filter((parts) => parts.join('/').length < 12_000);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD'), fc.constantFrom('/api/v1/', '/', '/a/', '/d/', '/api/'), segments, async (method, prefix, parts) => {
        const path = prefix + parts.join('/');
        const a = await send(method, path);
        // The dashboard's pages (/, /a/..., /d/...) answer HTML or plain text; the API answers JSON.
        checkAnswer(`${method} ${path}`, a, { jsonErrors: path.startsWith('/api/') && method !== 'HEAD' });
      }),
      { numRuns: 200 }
    );
    await expectAlive();
  });
});

describe('bodies over the limit and malformed JSON (every route that takes a body)', () => {
  const over = (n: number) => Buffer.from(JSON.stringify({ event_type: 'x', source: 'y', message: 'z'.repeat(n) }));

  it('answers 413 in the error shape, for a declared length and for a chunked body, and keeps serving', async () => {
    for (const op of ops.filter((o) => o.body)) {
      const path = fill(op, op.pathParams.map((p) => (p === 'action_id' ? known.action[0] : p === 'id' && op.path.startsWith('/api/v1/rules') ? 'fz_rule' : known.incident[0])));
      for (const size of [BODY_LIMIT + 1, 4 * BODY_LIMIT]) {
        const a = await send(op.method, path, over(size), { 'content-type': 'application/json' });
        expect({ route: `${op.method} ${op.path}`, status: a.status }).toEqual({ route: `${op.method} ${op.path}`, status: 413 });
        expect(JSON.parse(a.text)).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining(String(BODY_LIMIT)) } });
      }
      const chunked = await new Promise<Answer>((resolve, reject) => {
        const { port } = new URL(b.url);
        const req = http.request({ host: '127.0.0.1', port, method: op.method, path, headers: { ...auth, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), text: Buffer.concat(chunks).toString() }));
        });
        // The server may answer and close before everything is written.
        req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
        const piece = Buffer.alloc(16 * 1024, 'z');
        req.write('{"message":"');
        for (let i = 0; i < 8; i++) req.write(piece);
        req.end('"}');
      });
      expect({ route: `${op.method} ${op.path}`, status: chunked.status }).toEqual({ route: `${op.method} ${op.path}`, status: 413 });
      expect(JSON.parse(chunked.text).error.code).toBe('payload_too_large');
      // Right at the limit the body is read and validated: whatever the answer, not a 413 or a 5xx.
      const at = Buffer.from(`"${'z'.repeat(BODY_LIMIT - 2)}"`);
      const atLimit = await send(op.method, path, at, { 'content-type': 'application/json' });
      expect(atLimit.status).toBeLessThan(500);
      expect(atLimit.status).not.toBe(413);
    }
    await expectAlive();
  });

  it('answers malformed JSON with 400 invalid_json naming the body', async () => {
    for (const op of ops.filter((o) => o.body)) {
      const path = fill(op, op.pathParams.map(() => 'x'));
      for (const text of ['{"event_type": ', '{a:1}', '[1,]', 'nul']) {
        const a = await send(op.method, path, Buffer.from(text), { 'content-type': 'application/json' });
        expect({ route: `${op.method} ${op.path}`, text, status: a.status }).toEqual({ route: `${op.method} ${op.path}`, text, status: 400 });
        expect(JSON.parse(a.text)).toMatchObject({ error: { code: 'invalid_json', details: [{ field: 'body' }] } });
      }
    }
  });
});

/** The shrunk counterexamples the properties found, kept as plain examples. */
describe('regressions', () => {
  const post = (path: string, body: string) => send('POST', path, Buffer.from(body), { 'content-type': 'application/json' });
  const fields = (a: Answer): string[] => (JSON.parse(a.text) as { error: { details?: Array<{ field: string }> } }).error.details?.map((d) => d.field) ?? [];

  it('answers 400 naming the field for an object zod cannot convert where a string goes (was a TypeError: 500)', async () => {
    const poison = '{"length":{"toString":""}}';
    const events = await post('/api/v1/events', `[{"event_id":${poison}}]`);
    expect(events.status).toBe(400);
    expect(fields(events)).toContain('[0].event_id');
    const incident = await post('/api/v1/incidents', `{"incident_type":"custom","severity":"low","title":${poison}}`);
    expect(incident.status).toBe(400);
    expect(fields(incident)).toContain('body.title');
    const test = await post('/api/v1/rules/error_burst/test', `{"events":[{"event_type":"x","source":"s","message":"m","source":${poison}}]}`);
    expect(test.status).toBe(400);
    expect(fields(test)).toContain('events[0].source');
    const query = await post('/api/v1/query', `{"range":{"from":0,"to":1},"queries":[{"refId":"A","queryType":"events","limit":{"toString":""}}]}`);
    expect(query.status).toBe(400);
    expect(fields(query)).toContain('body.queries[0].limit');
  });

  it('answers 400 for a stats since past the last Date (was RangeError in toISOString: 500)', async () => {
    for (const since of ['9007199254740993', '99999999999999999999d']) {
      const a = await send('GET', `/api/v1/stats?since=${since}`);
      checkAnswer(`GET /api/v1/stats?since=${since}`, a);
      expect({ since, status: a.status, fields: fields(a) }).toEqual({ since, status: 400, fields: ['query.since'] });
    }
    expect((await send('GET', '/api/v1/stats?since=8640000000000000')).status).toBe(200);
  });

  it('refuses a rule whose regex matcher does not compile (it was stored, and every rule change after was a 500)', async () => {
    const rule = { rule_id: 'fz_regex', name: 'r', incident_type: 'custom', severity: 'low', error_threshold: 1, time_window_seconds: 60, match: { event_types: ['x'], metadata: [{ key: 'k', op: '=~', value: '(' }] } };
    const created = await post('/api/v1/rules', JSON.stringify(rule));
    expect(created.status).toBe(400);
    expect(fields(created)).toEqual(['body.match.metadata[0].value']);
    const patched = await send('PATCH', '/api/v1/rules/error_burst', Buffer.from(JSON.stringify({ match: { event_types: ['*error'], metadata: [{ key: 'k', op: '!~', value: 'l(4MW(' }] } })), { 'content-type': 'application/json' });
    expect(patched.status).toBe(400);
    expect(fields(patched)).toEqual(['body.match.metadata[0].value']);
    expect((await send('POST', '/api/v1/rules/error_burst/enable')).status).toBe(200);
  });

  it('answers 400 for a rule test event timed past the last Date (was RangeError: 500)', async () => {
    const a = await post('/api/v1/rules/error_burst/test', JSON.stringify({ events: [{ event_type: 'x', source: 's', message: 'm', timestamp: Number.MAX_SAFE_INTEGER }] }));
    expect(a.status).toBe(400);
    expect(fields(a)).toEqual(['events[0].timestamp']);
  });

  it('maps an Alertmanager severity label "constructor" to medium (was the function Object, bound into SQLite: 500)', async () => {
    const payload = { version: '4', groupKey: 'fz', status: 'firing', receiver: 'r', alerts: [{ status: 'firing', labels: { severity: 'constructor' }, startsAt: '2026-11-26T09:59:00Z' }] };
    const a = await post('/api/v1/webhooks/alertmanager', JSON.stringify(payload));
    expect(a.status).toBe(202);
  });

  it('names the path for an undecodable parameter and the body for an unreadable gzip body (400 without details before)', async () => {
    const path = await send('GET', '/api/v1/incidents/%E0%A4%A');
    expect(path.status).toBe(400);
    expect(fields(path)).toEqual(['path']);
    const gzip = await send('POST', '/api/v1/events', Buffer.alloc(0), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(gzip.status).toBe(400);
    expect(fields(gzip)).toEqual(['body']);
  });
});

describe('afterwards', () => {
  it('still serves, answered no 5xx on any route, and the engine kept up', async () => {
    await b.settle();
    await expectAlive();
    const metrics = (await send('GET', '/metrics')).text;
    const fivexx = metrics.split('\n').filter((l) => l.includes('status="5xx"') && !l.startsWith('#'));
    expect(fivexx).toEqual([]);
  });
});

describe('counterexamples found by the properties', () => {
  it('POST /api/v1/query with range.from past the last Date answers 400, not 500', async () => {
    for (const from of ['9007199254740991', '"99999999999999999999"']) {
      const a = await send('POST', '/api/v1/query', Buffer.from(`{"range":{"from":${from},"to":9007199254740991},"queries":[{"refId":"A","queryType":"stats"}]}`), { 'content-type': 'application/json' });
      checkAnswer(`POST /api/v1/query from ${from}`, a);
      expect(a.status).toBe(400);
    }
  });
});
