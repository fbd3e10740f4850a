import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for the backend: records what `POST /api/v1/events` receives, answers `status`. */
export interface Recorder {
  url: string;
  /** Events of the batches it accepted (answered 2xx). */
  events: Array<Record<string, any>>;
  /** Batches received, accepted or not. */
  posts: number;
  status: number;
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const rec: Recorder = { url: '', events: [], posts: 0, status: 202, close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/v1/events') {
        rec.posts++;
        if (rec.status < 300) {
          const parsed = JSON.parse(body) as unknown;
          rec.events.push(...((Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, any>>));
        }
      }
      res.writeHead(rec.status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rec.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return rec;
}

/** Polls `check` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
