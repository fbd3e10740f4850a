import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The backend's CLI; from backend/src/demo and from backend/dist/demo alike it is backend/bin. */
export const BACKEND_BIN = path.resolve(__dirname, '..', '..', 'bin', 'mahavishnu.js');

export interface DemoBackendOptions {
  configFile: string;
  port: number;
  dataDir: string;
  /** Everything the backend prints (its log) goes here. */
  logFile: string;
  /** Give up when it has not printed its listening line by then; default 30 s. */
  timeoutMs?: number;
  /** Aborting while it starts stops it and rejects. */
  signal?: AbortSignal;
}

export interface DemoBackend {
  url: string;
  pid: number;
  /** The command line it was started with. */
  argv: string[];
  /** Resolves with how it ended (`exited with code 0`, `killed by SIGKILL`). */
  exited: Promise<string>;
  /** SIGINT, then SIGKILL after `graceMs`; resolves when it is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const LISTENING = /listening on (http:\/\/[^\s]+)/;

/**
 * Starts `node backend/bin/mahavishnu.js incidents start --config F --port P --data-dir D` and
 * resolves once it printed "listening on http://...". It runs in its own process group, so a
 * Ctrl-C reaches the demo alone and the demo stops it once; it is killed if the demo exits first.
 */
export async function startDemoBackend(opts: DemoBackendOptions): Promise<DemoBackend> {
  const argv = [
    BACKEND_BIN,
    'incidents',
    'start',
    '--config',
    opts.configFile,
    '--port',
    String(opts.port),
    '--data-dir',
    opts.dataDir,
  ];
  const log = fs.createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: process.env });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let tail = '';
  let gone = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      process.off('exit', killOnExit);
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
    child.once('error', (err) => {
      gone = true;
      process.off('exit', killOnExit);
      resolve(`failed to start: ${err.message}`);
    });
  });
  log.on('error', () => undefined); // a full disk must not take the demo down
  child.once('close', () => log.end());
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the backend printed no listening line within ${opts.timeoutMs ?? 30_000} ms`)),
      opts.timeoutMs ?? 30_000
    );
    child.stdout!.on('data', (d: Buffer) => {
      log.write(d);
      out = (out + d.toString('utf8')).slice(-8192);
      const m = LISTENING.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the backend ${how} before listening`));
    });
    opts.signal?.addEventListener('abort', () => reject(new Error('interrupted while the backend was starting')), {
      once: true,
    });
  });
  child.stderr!.on('data', (d: Buffer) => {
    log.write(d);
    tail = (tail + d.toString('utf8')).slice(-4096);
  });

  let stopping: Promise<void> | null = null;
  const stop = (graceMs = 10_000) =>
    (stopping ??= (async () => {
      if (gone) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })());

  try {
    return { url: await url, pid: child.pid!, argv: [process.execPath, ...argv], exited, stop };
  } catch (err) {
    await stop(2_000);
    const why = tail.trim() || out.trim();
    throw new Error(`${(err as Error).message}${why ? `:\n${why}` : ''}`);
  }
}
