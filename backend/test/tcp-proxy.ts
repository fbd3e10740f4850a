import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback between a backend and its database, that a test can cut: what a database
 * host going away (`reset`: open connections are reset) or a silent network partition (`silent`:
 * open connections carry nothing more, and are neither answered nor closed) looks like to the
 * backend. Either way new connections are accepted but never answered while cut (a connect then
 * times out, as to a host that does not answer); `restore` lets new connections through again and
 * drops the ones held.
 */
export class TcpProxy {
  private readonly open = new Set<Socket>();
  private readonly held = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private cutNow = false;

  private constructor(
    private readonly server: Server,
    readonly port: number
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => proxy!.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    proxy = new TcpProxy(server, typeof addr === 'object' && addr ? addr.port : 0);
    return proxy;
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    client.on('error', () => undefined);
    if (this.cutNow) {
      // Held without an answer until restored, then dropped.
      this.held.add(client);
      client.on('close', () => this.held.delete(client));
      return;
    }
    const upstream = createConnection(target.port, target.host);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.on('close', () => this.pairs.delete(pair));
    this.open.add(client);
    this.open.add(upstream);
    client.on('close', () => this.open.delete(client));
    upstream.on('close', () => this.open.delete(upstream));
  }

  /** The database is gone: every open connection is reset (`silent`: goes quiet), new ones hang. */
  cut(mode: 'reset' | 'silent' = 'reset'): void {
    this.cutNow = true;
    if (mode === 'silent') {
      for (const [client, upstream] of this.pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        this.held.add(client);
        this.held.add(upstream);
      }
      this.pairs.clear();
      return;
    }
    for (const s of this.open) {
      s.resetAndDestroy();
    }
    this.open.clear();
  }

  /** The database is back: new connections go through (the ones held while cut are dropped). */
  restore(): void {
    this.cutNow = false;
    for (const s of this.held) {
      s.destroy();
    }
    this.held.clear();
  }

  async close(): Promise<void> {
    this.cut();
    this.restore();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
