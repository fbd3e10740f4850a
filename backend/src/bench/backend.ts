import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A running backend child process. */
export interface BackendProcess {
  host: string;
  port: number;
  pid: number;
  dataDir: string;
  /** Whether the child has exited (and how), or null while it runs. */
  exited(): string | null;
  /** The last few KB the child wrote to stderr. */
  stderrTail(): string;
  /** Peak resident set size (VmHWM) in MB, from /proc; null where unavailable. */
  peakRssMb(): number | null;
  /** Resident set size now in MB, from /proc; null where unavailable. */
  rssMb(): number | null;
  /** CPU time (user + system) the child used so far in seconds, from /proc; null where unavailable. */
  cpuSeconds(): number | null;
  /** Stops the child (SIGTERM, then SIGKILL after `graceMs`) and removes the data dir; idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const LISTENING = /^mahavishnu backend listening on http:\/\/([^\s:]+):(\d+) \(data in (.*)\)$/m;
const TAIL = 16 * 1024;

/**
 * Starts `node backend/bin/mahavishnu.js incidents start --port 0` on 127.0.0.1 with a fresh
 * temporary data dir, `MAHAVISHNU_LOG_LEVEL=warn` and a configuration without the per-address rate
 * limit (other MAHAVISHNU_* variables removed), and resolves once it printed its listening line. `extraEnv` adds MAHAVISHNU_* variables of the
 * bench's own (the PostgreSQL pass's MAHAVISHNU_STORE_URL and MAHAVISHNU_STORE_SCHEMA). Extra node
 * flags for the child come from the env variable BENCH_NODE_ARGS. On failure the child is killed
 * and the dir removed.
 */
export async function startBackend(
  repoRoot: string,
  extraEnv: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000
): Promise<BackendProcess> {
  const bin = path.join(repoRoot, 'backend', 'bin', 'mahavishnu.js');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mahavishnu-bench-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('MAHAVISHNU_')) {
      env[k] = v;
    }
  }
  env.MAHAVISHNU_LOG_LEVEL = 'warn';
  // The bench is one sender without a key, measuring what the whole backend takes: the per-address
  // rate limit would measure the limit instead.
  const config = path.join(dataDir, 'bench-config.yaml');
  fs.writeFileSync(config, 'security:\n  rate_limit:\n    events_per_second_per_address: 10000000\n    burst_per_address: 10000000\n');
  env.MAHAVISHNU_CONFIG = config;
  Object.assign(env, extraEnv);
  // BENCH_NODE_ARGS: extra node flags for the child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, bin, 'incidents', 'start', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }
  );
  let stderr = '';
  let stdout = '';
  let exitInfo: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      exitInfo = `failed to start: ${err.message}`;
      resolve();
    });
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    stderr = (stderr + s).slice(-TAIL);
  });

  let stopped: Promise<void> | null = null;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopped ??= (async () => {
      await terminate(child, exited, () => exitInfo !== null, graceMs);
      fs.rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    const m = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the backend printed no listening line within ${timeoutMs} ms`)),
        timeoutMs
      );
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (s: string) => {
        stdout = (stdout + s).slice(-TAIL);
        const found = LISTENING.exec(stdout);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the backend ${exitInfo} before listening`));
      });
    });
    child.stdout!.resume(); // keep draining whatever else it prints
    return {
      host: m[1],
      port: Number(m[2]),
      pid: child.pid!,
      dataDir,
      exited: () => exitInfo,
      stderrTail: () => stderr,
      peakRssMb: () => peakRssMb(child.pid!),
      rssMb: () => rssMb(child.pid!),
      cpuSeconds: () => cpuSeconds(child.pid!),
      stop,
    };
  } catch (err) {
    await stop(2_000);
    const tail = stderr.trim();
    throw new Error(`${err instanceof Error ? err.message : String(err)}${tail ? `\nbackend stderr:\n${tail}` : ''}`);
  }
}

async function terminate(
  child: ChildProcess,
  exited: Promise<void>,
  hasExited: () => boolean,
  graceMs: number
): Promise<void> {
  if (hasExited() || child.pid === undefined) {
    return;
  }
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceMs)));
  const outcome = await Promise.race([exited.then(() => 'exited' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout' && !hasExited()) {
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
  }
}

/** VmHWM of a process in MB (Linux /proc), or null when it cannot be read. */
export function peakRssMb(pid: number): number | null {
  return statusMb(pid, 'VmHWM');
}

/** Resident set size now in MB, from /proc; null where unavailable. */
export function rssMb(pid: number): number | null {
  return statusMb(pid, 'VmRSS');
}

function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds of a process (Linux /proc, assuming 100 clock ticks a second), or null. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
