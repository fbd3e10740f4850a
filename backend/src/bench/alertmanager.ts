import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeTarget, openTarget, request, runLoad, eventsPerSecond, type Target } from './load';
import { RUN_ID, type ThroughputResult } from './scenarios';
import { summarize } from './stats';
import { findExecutable, freePort } from '../util/executables';

/**
 * The same load against a real Alertmanager (Debian's `prometheus-alertmanager`, or `alertmanager`,
 * or BENCH_ALERTMANAGER_BIN), when one is installed: batches of alerts to its `POST /api/v2/alerts`,
 * each alert a new label set as each of our events is a new event. It routes to a receiver with no
 * integration, so only intake is measured, as with ours.
 */
export function alertmanagerBinary(): string | null {
  return findExecutable(['prometheus-alertmanager', 'alertmanager'], process.env.BENCH_ALERTMANAGER_BIN);
}

export interface AlertmanagerProcess {
  target: Target;
  version: string;
  stop(): Promise<void>;
}

/** Starts Alertmanager on a free loopback port, without clustering; resolves once it is ready. */
export async function startAlertmanager(bin: string, connections: number): Promise<AlertmanagerProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mahavishnu-bench-am-'));
  const config = { route: { receiver: 'intake-only', group_wait: '30s' }, receivers: [{ name: 'intake-only' }] };
  writeFileSync(path.join(dir, 'alertmanager.yml'), JSON.stringify(config));
  const port = await freePort();
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const target = openTarget('127.0.0.1', port, connections);
  const stop = async () => {
    await closeTarget(target);
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Alertmanager exited: ${stderr.slice(-500)}`);
    }
    const ready = await request(target, 'GET', '/-/ready', undefined, 1_000).catch(() => null);
    if (ready?.status === 200) {
      const status = await request(target, 'GET', '/api/v2/status');
      const version = (JSON.parse(status.body) as { versionInfo?: { version?: string } }).versionInfo?.version ?? '?';
      return { target, version, stop };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('Alertmanager did not become ready within 10 s');
}

/** `perRequest` new alerts per request to `POST /api/v2/alerts`, as fast as it answers. */
export async function alertmanagerThroughput(
  t: Target,
  perRequest: number,
  connections: number,
  durationMs: number
): Promise<ThroughputResult> {
  const load = await runLoad({
    target: t,
    connections,
    durationMs,
    maxRequests: 1_000_000,
    path: '/api/v2/alerts',
    next: (w, seq) => {
      const startsAt = new Date().toISOString();
      const alerts = Array.from({ length: perRequest }, (_, i) => ({
        labels: { alertname: 'BenchAlert', source: `svc-${(w * 7919 + seq * perRequest + i) % 1000}`, id: `${RUN_ID}-${w}-${seq}-${i}` },
        annotations: { summary: 'GET /api/items 200' },
        startsAt,
      }));
      return { body: JSON.stringify(alerts), events: perRequest };
    },
    accepted: (res, item) => (res.status === 200 ? { accepted: item.events, duplicates: 0 } : null),
  });
  return { load, eventsPerSecond: eventsPerSecond(load), latency: summarize(load.latenciesMs) };
}
