import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError } from 'commander';
import { IncidentManager } from '../builder';
import { loadConfig } from '../config/load';
import type { Config } from '../config/schema';
import { redactUrlPassword } from '../security/redact';
import { createLogger } from '../util/logger';

interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  config?: string;
}

/** Runs the backend until SIGINT or SIGTERM; `banner` says what is being served once it listens. */
async function serve(opts: ServeOptions, banner: (url: string, dataDir: string) => string): Promise<void> {
  const config = loadConfig({ port: opts.port, host: opts.host, dataDir: opts.dataDir, configFile: opts.config });
  const logger = createLogger(config.log.level);
  limitHeapGrowth(config.server.heap_growth_percent);
  const manager = await IncidentManager.build({ config, logger });
  const addr = await manager.listen(config.server.port, config.server.host);
  const url = `http://${addr.host}:${addr.port}`;
  logger.info({ url, data_dir: config.store.data_dir, store: storeDescription(config.store) }, 'mahavishnu backend listening');
  process.stdout.write(`${banner(url, config.store.kind === 'postgres' ? storeDescription(config.store) : config.store.data_dir)}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      manager.close().then(resolve, (err) => {
        logger.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/**
 * Under full-speed intake V8 lets the heap grow to four times what is live before a full collection
 * (a peak of ~320 MB with a million events in windows); at 100% it is twice (~245 MB), for ~3% of
 * the intake rate. Read by V8 at every collection, so it holds when set after start.
 */
function limitHeapGrowth(percent: number): void {
  if (percent > 0) {
    setFlagsFromString(`--heap-growing-percent=${percent}`);
  }
}

/** Where the data is, for the banner and the log: never with the URL's password. */
function storeDescription(store: Config['store']): string {
  return store.kind === 'postgres' ? `${redactUrlPassword(store.url ?? '')} (schema ${store.schema ?? 'public'})` : `sqlite in ${store.data_dir}`;
}

function withServeOptions(cmd: Command): Command {
  return cmd
    .option('--port <n>', 'port to listen on (default 8080, env MAHAVISHNU_PORT)', (v) => parsePort(v))
    .option('--host <host>', 'address to listen on (default 127.0.0.1, env MAHAVISHNU_HOST)')
    .option('--data-dir <dir>', 'where the SQLite file lives (default ./data, env MAHAVISHNU_DATA_DIR)')
    .option('--config <file>', 'YAML configuration file (env MAHAVISHNU_CONFIG)');
}

/** `mahavishnu incidents start`: runs the backend until SIGINT or SIGTERM. */
export function startCommand(): Command {
  return withServeOptions(new Command('start').description('start the backend (SQLite in the data dir; nothing else to run)')).action((opts: ServeOptions) =>
    serve(opts, (url, dataDir) => `mahavishnu backend listening on ${url} (data in ${dataDir})`)
  );
}

/**
 * `mahavishnu incidents dashboard --port N`: the dashboard server. It is the backend itself,
 * which serves the API the dashboard pages read (the pages are the Grafana app plugin's, served
 * standalone by the backend).
 */
export function dashboardCommand(): Command {
  return withServeOptions(new Command('dashboard').description('start the dashboard server (the backend, with its API and live stream)')).action((opts: ServeOptions) =>
    serve(opts, (url, dataDir) => `mahavishnu backend listening on ${url} (data in ${dataDir})\nIncident dashboard: ${url}/ (API ${url}/api/v1/openapi.json, live stream ${url}/api/v1/stream)`)
  );
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError(`--port must be an integer from 0 to 65535, got "${v}"`);
  }
  return n;
}
