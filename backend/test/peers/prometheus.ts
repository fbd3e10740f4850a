import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freePort } from '../../src/util/executables';
import { until } from '../process';

/** What CI (and a developer) runs to get the real peers on Debian or Ubuntu. */
export const INSTALL_HINT = 'apt-get install -y prometheus prometheus-alertmanager';

/**
 * The path of the first executable of `names` on PATH, or, when `envVar` is set, its value.
 * Throws with the install hint when there is none: a missing peer fails the tests, it never skips them.
 */
export function findBinary(what: string, names: string[], envVar: string): string {
  const override = process.env[envVar];
  const found = findExecutable(names, override);
  if (found) {
    return found;
  }
  const looked = override ? `${envVar}=${override} is not an executable` : `none of ${names.join(', ')} is on PATH`;
  throw new Error(`${what} is not installed (${looked}): run \`${INSTALL_HINT}\` (or point ${envVar} at the binary)`);
}

/** A peer binary running on loopback with its own temp directory. */
export interface Peer {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  /** The last lines the process logged, for error messages. */
  logs(): string;
  stop(): Promise<void>;
}

export interface PeerSpec {
  what: string;
  bin: string;
  /** Writes the config files into `dir` and returns the command-line arguments for `port`. */
  args(dir: string, port: number): string[];
  readyMs?: number;
}

const LOG_KEEP = 16_000;

/** Starts `spec.bin` on a free loopback port and waits until `/-/ready` answers 200; retries if the port was taken meanwhile. */
export async function startPeer(spec: PeerSpec): Promise<Peer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), `mahavishnu-${spec.what.toLowerCase()}-`));
    const port = await freePort();
    const peer = launch(spec, dir, port);
    try {
      await until(
        `${spec.what} to answer ${peer.url}/-/ready`,
        async () => {
          if (peer.child.exitCode !== null || peer.child.signalCode !== null || /^spawn failed/m.test(peer.logs())) {
            throw new Error(`${spec.what} exited with ${peer.child.exitCode ?? peer.child.signalCode}:\n${peer.logs()}`);
          }
          try {
            return (await fetch(`${peer.url}/-/ready`)).status === 200;
          } catch {
            return false; // not listening yet
          }
        },
        spec.readyMs ?? 20_000
      );
      return peer;
    } catch (err) {
      lastError = err;
      await peer.stop();
      if (!/address already in use/.test(peer.logs())) {
        break;
      }
    }
  }
  throw lastError;
}

function launch(spec: PeerSpec, dir: string, port: number): Peer {
  const child = spawn(spec.bin, spec.args(dir, port), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-LOG_KEEP);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(`spawn failed: ${err.message}\n`)));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    child,
    logs: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Prometheus binary (`PROMETHEUS_BIN` overrides the PATH lookup); throws with the install hint. */
export function prometheusBinary(): string {
  return findBinary('Prometheus', ['prometheus'], 'PROMETHEUS_BIN');
}

export interface PrometheusOptions {
  /** Scrape jobs: job name -> `host:port` target (path /metrics). */
  scrape: Record<string, string>;
  /** Alerting rules, as in a rule file's `rules:` list. */
  rules: Array<Record<string, unknown>>;
  /** `host:port` of the Alertmanager to send alerts to. */
  alertmanager: string;
}

/**
 * Real Prometheus on 127.0.0.1: scrapes and evaluates every second, re-sends firing alerts every
 * second (the default is a minute), so that a test sees an alert fire and clear within seconds.
 * The config is JSON, which is YAML.
 */
export function startPrometheus(opts: PrometheusOptions): Promise<Peer> {
  return startPeer({
    what: 'Prometheus',
    bin: prometheusBinary(),
    args: (dir, port) => {
      writeFileSync(join(dir, 'rules.yml'), JSON.stringify({ groups: [{ name: 'test', interval: '1s', rules: opts.rules }] }, null, 2));
      const config = {
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'rules.yml')],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] },
        scrape_configs: Object.entries(opts.scrape).map(([job, target]) => ({ job_name: job, static_configs: [{ targets: [target] }] })),
      };
      writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
      return [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=http://127.0.0.1:${port}/`,
        '--rules.alert.resend-delay=1s',
        '--log.level=warn',
      ];
    },
  });
}

/** One sample of an instant vector, as Prometheus's query API returns it. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Runs an instant query through Prometheus's HTTP API. */
export async function query(prometheus: Peer, promql: string): Promise<Sample[]> {
  const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: Sample[] } };
  if (body.status !== 'success' || body.data?.resultType !== 'vector') {
    throw new Error(`query ${promql} failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.data.result;
}
