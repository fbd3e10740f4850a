import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback between a backend and its database, that a test can cut: what a network
 * partition or a database host going away looks like to the backend. While cut, open connections
 * are reset and new ones are accepted but never answered (a connect then times out, as to a host
 * that does not answer); `restore` lets connections through again.
 */
export class TcpProxy {
  private readonly open = new Set<Socket>();
  private readonly held = new Set<Socket>();
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
    this.open.add(client);
    this.open.add(upstream);
    client.on('close', () => this.open.delete(client));
    upstream.on('close', () => this.open.delete(upstream));
  }

  /** The database is gone: every open connection is reset, new ones hang. */
  cut(): void {
    this.cutNow = true;
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
