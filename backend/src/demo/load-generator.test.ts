import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from './load-generator';

let server: http.Server;
let url: string;
let hits = 0;
let failEvery = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    const fail = req.url === '/api/work' && failEvery > 0 && hits % failEvery === 0;
    res.writeHead(req.url !== '/api/work' ? 404 : fail ? 500 : 200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

beforeEach(() => {
  hits = 0;
  failEvery = 0;
});

test('stops at maxRequests', async () => {
  const t0 = Date.now();
  const r = await runLoad({ url, rps: 200, durationMs: 10_000, maxRequests: 5 });
  expect(r).toEqual({ sent: 5, ok: 5, failed: 0 });
  expect(hits).toBe(5);
  expect(Date.now() - t0).toBeLessThan(1000);
});

test('stops at durationMs, requests evenly spaced', async () => {
  const t0 = Date.now();
  const r = await runLoad({ url: `${url}/`, rps: 20, durationMs: 300, maxRequests: 1000 });
  const took = Date.now() - t0;
  // starts at 0, 50, ..., 250 ms
  expect(r.sent).toBeGreaterThanOrEqual(5);
  expect(r.sent).toBeLessThanOrEqual(6);
  expect(r.ok).toBe(r.sent);
  expect(took).toBeGreaterThanOrEqual(240);
  expect(took).toBeLessThan(1000);
});

test('counts non-2xx answers and unreachable targets as failed', async () => {
  failEvery = 2;
  expect(await runLoad({ url, rps: 500, durationMs: 5000, maxRequests: 4 })).toEqual({ sent: 4, ok: 2, failed: 2 });
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  expect(await runLoad({ url: `http://127.0.0.1:${port}`, rps: 500, durationMs: 5000, maxRequests: 3 })).toEqual({
    sent: 3,
    ok: 0,
    failed: 3,
  });
});

test('an abort stops it early', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 120);
  const t0 = Date.now();
  const r = await runLoad({ url, rps: 20, durationMs: 10_000, signal: ac.signal });
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(r.sent).toBeGreaterThanOrEqual(2);
  expect(r.sent).toBeLessThanOrEqual(4);
});

test('refuses a rate that is not positive', async () => {
  await expect(runLoad({ url, rps: 0, durationMs: 100 })).rejects.toThrow(/rps/);
  await expect(runLoad({ url, rps: Number.NaN, durationMs: 100 })).rejects.toThrow(/rps/);
});
