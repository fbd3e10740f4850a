import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A service that exposes one gauge for Prometheus to scrape; the test sets its value. */
export interface MetricService {
  /** `host:port`, as a scrape target. */
  target: string;
  set(value: number): void;
  /** How often `/metrics` has been scraped. */
  scrapes(): number;
  close(): Promise<void>;
}

/** Label values escaped as the text exposition format wants them. */
function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Serves `name{labels} value` in the Prometheus text format at /metrics on 127.0.0.1. */
export async function startMetricService(name: string, help: string, labels: Record<string, string>, initial = 0): Promise<MetricService> {
  let value = initial;
  let scrapes = 0;
  const labelText = Object.entries(labels)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',');
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      scrapes += 1;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(`# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}{${labelText}} ${value}\n`);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    set: (v) => {
      value = v;
    },
    scrapes: () => scrapes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
