import { Command } from 'commander';
import { IncidentManager } from '../builder';
import { loadConfig } from '../config/load';
import { createLogger } from '../util/logger';

/** `mahavishnu incidents start`: runs the backend until SIGINT or SIGTERM. */
export function startCommand(): Command {
  return new Command('start')
    .description('start the backend (SQLite in the data dir; nothing else to run)')
    .option('--port <n>', 'port to listen on (default 8080, env MAHAVISHNU_PORT)', (v) => parsePort(v))
    .option('--host <host>', 'address to listen on (default 127.0.0.1, env MAHAVISHNU_HOST)')
    .option('--data-dir <dir>', 'where the SQLite file lives (default ./data, env MAHAVISHNU_DATA_DIR)')
    .option('--config <file>', 'YAML configuration file (env MAHAVISHNU_CONFIG)')
    .action(async (opts: { port?: number; host?: string; dataDir?: string; config?: string }) => {
      const config = loadConfig({ port: opts.port, host: opts.host, dataDir: opts.dataDir, configFile: opts.config });
      const logger = createLogger(config.log.level);
      const manager = await IncidentManager.build({ config, logger });
      const addr = await manager.listen(config.server.port, config.server.host);
      logger.info({ url: `http://${addr.host}:${addr.port}`, data_dir: config.store.data_dir }, 'mahavishnu backend listening');
      process.stdout.write(`mahavishnu backend listening on http://${addr.host}:${addr.port} (data in ${config.store.data_dir})\n`);
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
    });
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${v}"`);
  }
  return n;
}
