import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchemas, testStoreEnv } from './test-store';

const BIN = join(__dirname, '../bin/mahavishnu.js');
const BUILT = join(__dirname, '../dist/cli/main.js');

/** A backend running as its own process, as a user starts it. */
export interface BackendProcess {
  url: string;
  child: ChildProcess;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts `mahavishnu incidents start` on a free loopback port and waits until it listens. */
export async function spawnBackend(dataDir: string, env: Record<string, string> = {}): Promise<BackendProcess> {
  if (!existsSync(BUILT)) {
    throw new Error('backend/dist is missing: run `npm run build:backend` first (npm test does)');
  }
  const child = spawn(process.execPath, [BIN, 'incidents', 'start', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, MAHAVISHNU_LOG_LEVEL: 'warn', ...testStoreEnv(dataDir), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`backend did not start in 20s: ${stderr}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    child,
    kill: (signal) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve(child.exitCode);
          return;
        }
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** Polls `fn` until it returns something truthy, for tests that watch real processes; fails after `ms`. */
export async function until<T>(what: string, fn: () => Promise<T> | T, ms = 30_000): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) {
      return v as NonNullable<T>;
    }
    if (Date.now() - start > ms) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Backend processes for the tests of one file: a fresh directory per test, the processes it
 * starts, and (on PostgreSQL) a schema that several replicas share; after each test the processes
 * are killed, the schema dropped and the directory removed.
 */
export function processFixture(prefix: string): { dir(): string; procs: BackendProcess[]; sharedSchema(): string } {
  let dir = '';
  let schema: string | undefined;
  const procs: BackendProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `mahavishnu-${prefix}-`));
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.kill('SIGKILL')));
    if (schema) {
      await dropSchemas([schema]);
      schema = undefined;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    procs,
    sharedSchema: () => (schema ??= `${prefix}_${randomBytes(6).toString('hex')}`),
  };
}
