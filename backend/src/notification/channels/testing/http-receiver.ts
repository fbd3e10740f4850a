import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the receiver answers; 'hang' reads the request and never answers. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/**
 * A real HTTP server on 127.0.0.1 that records every request and answers `reply`. Tests change
 * `reply` per case and must `close()` it, which also drops hanging and keep-alive connections.
 */
export class HttpReceiver {
  readonly requests: RecordedRequest[] = [];
  reply: Reply | ((req: RecordedRequest) => Reply) = { status: 200, body: 'ok' };

  private constructor(
    private readonly server: Server,
    /** e.g. "http://127.0.0.1:43121" */
    readonly origin: string
  ) {}

  static async start(): Promise<HttpReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new HttpReceiver(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        receiver.requests.push(recorded);
        const reply = typeof receiver.reply === 'function' ? receiver.reply(recorded) : receiver.reply;
        if (reply === 'hang') return;
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body ?? '');
      });
    });
    return receiver;
  }

  /** A URL on this receiver. */
  url(path = '/'): string {
    return `${this.origin}${path}`;
  }

  /** The bodies received, parsed as JSON. */
  json(): unknown[] {
    return this.requests.map((r) => JSON.parse(r.body) as unknown);
  }

  reset(reply: Reply = { status: 200, body: 'ok' }): void {
    this.requests.length = 0;
    this.reply = reply;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on (a server was bound there and closed), for "connection refused". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
