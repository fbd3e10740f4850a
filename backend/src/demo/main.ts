/**
 * `npm run demo` (`node backend/dist/demo/main.js [--port N] [--exit]`): starts the backend with a
 * configuration bound to a demo "shop API", breaks the shop API and shows, step by step, the backend
 * detecting the incident, fixing it on its own, resolving it and writing the post-mortem.
 * Everything is bounded in time; Ctrl-C stops the backend and the shop API cleanly.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BACKEND_BIN, startDemoBackend, type DemoBackend } from './backend-process';
import { DEMO_BIN, demoConfigYaml } from './config';
import { startDemoService, type DemoService } from './demo-service';
import { runScenario } from './scenario';

interface DemoArgs {
  port: number;
  exit: boolean;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs the demo; resolves with the exit code (0 when the incident was resolved, 130 when interrupted). */
export async function main(argv: string[]): Promise<number> {
  let args: DemoArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    return err instanceof CommanderError && err.exitCode === 0 ? 0 : 2;
  }

  const stop = new AbortController();
  let finished = false;
  let tearingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      say(`${signal} again: exiting now.`);
      process.exit(130);
    }
    say(`\n${signal}: stopping the demo (Ctrl-C again to exit at once) ...`);
    stop.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mahavishnu-demo-'));
  const logFile = path.join(dataDir, 'backend.log');
  let service: DemoService | undefined;
  let backend: DemoBackend | undefined;
  let code = 0;
  try {
    const backendPort = args.port === 0 ? await freePort() : args.port;
    service = await startDemoService({ port: 0, backendUrl: `http://127.0.0.1:${backendPort}` });
    const configFile = path.join(dataDir, 'demo-config.yaml');
    fs.writeFileSync(configFile, demoConfigYaml({ demoUrl: service.url, dataDir }));

    say('Mahavishnu incident response: demo');
    say(`  shop API (the demo service):  ${service.url}  (GET /api/work; it reports every request to the backend)`);
    say(`  backend configuration:        ${configFile}`);
    say(
      `  starting the backend:         node ${path.relative(process.cwd(), BACKEND_BIN)} incidents start --config ${configFile} --port ${backendPort} --data-dir ${dataDir}`
    );
    backend = await startDemoBackend({ configFile, port: backendPort, dataDir, logFile, signal: stop.signal });
    const started = backend;
    void started.exited.then((how) => {
      if (!stop.signal.aborted && !tearingDown) {
        say(`\nThe backend ${how} unexpectedly (its log: ${logFile}).`);
        code = 1;
        stop.abort(new Error(`the backend ${how}`));
      }
    });
    say(`  backend:                      ${backend.url}  (log in ${logFile})`);
    say('');

    const result = await runScenario({ backendUrl: backend.url, service, signal: stop.signal, say });
    finished = true;
    if (!result.resolved) code = 1;

    say('');
    if (args.exit) {
      say('The demo is over; stopping (--exit).');
    } else {
      say('The demo is over; the backend and the shop API keep running until Ctrl-C:');
      say(`  incidents:   curl -s '${backend.url}/api/v1/incidents?limit=5'`);
      say(`  the API:     ${backend.url}/api/v1/openapi.json`);
      if (result.incidentId) {
        say(`  timeline:    curl -s '${backend.url}/api/v1/incidents/${result.incidentId}/timeline'`);
      }
      say(
        `  break it:    node ${path.relative(process.cwd(), DEMO_BIN)} fault slow --url ${service.url}  (or error, leak)`
      );
      say(`  the shop:    curl -s ${service.url}/api/work ; curl -s ${service.url}/admin/state`);
      say('Press Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        if (stop.signal.aborted) resolve();
        stop.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  } catch (err) {
    if (!stop.signal.aborted) {
      say(`\nThe demo failed: ${(err as Error).message}`);
      if (/EADDRINUSE/.test((err as Error).message)) say(`Port ${args.port} is taken: choose another with --port N.`);
      code = 1;
    }
  } finally {
    tearingDown = true;
    if (stop.signal.aborted && !finished) code = code || 130;
    await service?.close().catch(() => undefined);
    await backend?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    say('Stopped: the backend and the shop API are down; the temporary data dir is removed.');
  }
  return code;
}

function parseArgs(argv: string[]): DemoArgs {
  const program = new Command('npm run demo --')
    .description('run the scripted incident-response demo')
    .option('--port <n>', 'port of the backend (0 picks a free one)', parsePort, 8080)
    .option('--exit', 'stop everything at the end instead of waiting for Ctrl-C', false)
    .exitOverride();
  program.parse(argv);
  return program.opts<DemoArgs>();
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError(`--port must be an integer from 0 to 65535, got "${v}"`);
  }
  return n;
}

/** A port free right now on 127.0.0.1 (for --port 0: the shop API must know the backend's URL first). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    }
  );
}
