import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { apiRoutes, createApp } from '../src/api/app';
import { withHotRoutes } from '../src/api/hot-path';
import { ev, startBackend, type Backend } from './harness';

// The intake routes' plain requests are served ahead of express (api/hot-path.ts). Every answer
// must be the one express gives: the same request is sent once as a plain request and once with
// a content type only express takes, and both answers are compared.

let b: Backend;
let server: Server;
let url: URL;
/** The content types of the requests that reached express. */
const reachedExpress: Array<string | undefined> = [];
const keys: Record<string, string> = {};
/** Express takes it; the hot path leaves it to express. */
const EXPRESS_ONLY = 'application/json; charset="utf-8"';

beforeAll(async () => {
  b = await startBackend({ ingest: { max_batch: 5 }, server: { body_limit_bytes: 4096 }, security: { rate_limit: { events_per_second_per_source: 10, burst_per_source: 20 } } });
  keys.admin = (await b.post('/api/v1/keys', { name: 'ops', role: 'admin' })).body.key;
  for (const [name, role] of [['ingester', 'source'], ['reader', 'viewer']]) {
    keys[role] = (await b.req('POST', '/api/v1/keys', { name, role }, { authorization: `Bearer ${keys.admin}` })).body.key;
  }
  const s = b.manager.services;
  const logger = pino({ level: 'silent' });
  const routes = apiRoutes(s);
  const app = createApp(s, logger, routes);
  server = createServer(
    withHotRoutes(routes, s, logger, (req, res) => {
      reachedExpress.push(req.headers['content-type']);
      app(req, res);
    })
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await b.close();
});

interface Answer {
  status: number;
  type: string | undefined;
  retryAfter: string | undefined;
  body: unknown;
}

function send(path: string, body: Buffer | string, headers: Record<string, string>): Promise<Answer> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', path, headers: { 'content-length': String(bytes.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], retryAfter: res.headers['retry-after'], body: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

/** Sends a request plainly, then (with fresh event ids) with a type only express takes; returns both answers. */
async function both(path: string, body: (tag: string) => Buffer | string, headers: Record<string, string> = {}): Promise<[Answer, Answer]> {
  const before = reachedExpress.length;
  const hot = await send(path, body('hot'), { 'content-type': 'application/json', ...headers });
  expect(reachedExpress.length).toBe(before);
  const viaExpress = await send(path, body('express'), { 'content-type': EXPRESS_ONLY, ...headers });
  expect(reachedExpress.slice(before)).toEqual([EXPRESS_ONLY]);
  return [hot, viaExpress];
}

const source = { authorization: '' };
beforeEach(() => {
  source.authorization = `Bearer ${keys.source}`;
});

const event = (tag: string, extra: Record<string, unknown> = {}) => JSON.stringify({ ...ev('api_error', `svc-${tag}`, -1), ...extra });

test.each([
  ['one event', (t: string) => event(t), 202],
  ['a batch', (t: string) => `[${event(t)},${event(t)}]`, 202],
  ['a byte order mark before the JSON', (t: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(event(t))]), 202],
  ['malformed JSON', () => '{"event_type": ', 400],
  ['an invalid element of a batch', (t: string) => `[${event(t)},${event(t, { severity: 'urgent' })}]`, 400],
  ['a JSON value that is no event', () => '42', 400],
  ['an empty batch', () => '[]', 400],
  ['a batch over the limit', (t: string) => `[${Array.from({ length: 6 }, () => event(t)).join(',')}]`, 413],
])('%s: the same answer with or without express', async (_name, body, status) => {
  const [hot, viaExpress] = await both('/api/v1/events', body, source);
  expect(hot.status).toBe(status);
  expect(hot).toEqual(viaExpress);
});

test('keys and roles: 401 without a key or with a wrong one, 403 for a viewer, as express answers', async () => {
  for (const authorization of [undefined, `Bearer ${keys.source}x`, `Bearer ${keys.viewer}`]) {
    const [hot, viaExpress] = await both('/api/v1/events', (t) => event(t), authorization ? { authorization } : {});
    expect(hot.status).toBe(authorization === `Bearer ${keys.viewer}` ? 403 : 401);
    expect(hot).toEqual(viaExpress);
  }
});

test("the webhooks take the hot path too, with Alertmanager's basic auth", async () => {
  const basic = `Basic ${Buffer.from(`alertmanager:${keys.source}`).toString('base64')}`;
  const payload = (t: string) =>
    JSON.stringify({
      version: '4',
      groupKey: `{}:{alertname="Hot${t}"}`,
      status: 'firing',
      receiver: 'mahavishnu',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://127.0.0.1:9093',
      alerts: [{ status: 'firing', labels: { alertname: `Hot${t}`, severity: 'critical' }, annotations: {}, startsAt: '2026-11-26T09:59:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: `f${t}` }],
    });
  const [hot, viaExpress] = await both('/api/v1/webhooks/alertmanager', payload, { authorization: basic });
  expect(hot).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
  expect(hot).toEqual(viaExpress);
});

test('a source over its rate gets 429 with Retry-After on both paths', async () => {
  const flood = (t: string) => `[${Array.from({ length: 5 }, () => event(`flood-${t}`, { source: 'flooding' })).join(',')}]`;
  let hot: Answer | undefined;
  for (let i = 0; i < 20 && hot?.status !== 429; i++) {
    hot = await send('/api/v1/events', flood(`h${i}`), { 'content-type': 'application/json', ...source });
  }
  const viaExpress = await send('/api/v1/events', flood('e'), { 'content-type': EXPRESS_ONLY, ...source });
  expect(hot).toMatchObject({ status: 429, retryAfter: expect.stringMatching(/^\d+$/) });
  expect(viaExpress).toEqual(hot);
});

test('what is not plain goes to express: another type, a query string, no length, a gzip body', async () => {
  const before = reachedExpress.length;
  await send('/api/v1/events', event('t1'), { 'content-type': 'text/plain', ...source });
  await send('/api/v1/events?x=1', event('t2'), { 'content-type': 'application/json', ...source });
  await send('/api/v1/events', '', { 'content-type': 'application/json', ...source });
  await send('/api/v1/events', Buffer.from([0x1f, 0x8b]), { 'content-type': 'application/json', 'content-encoding': 'gzip', ...source });
  expect(reachedExpress.length - before).toBe(4);
});
