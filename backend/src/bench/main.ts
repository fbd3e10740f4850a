/**
 * Load benchmark of the backend: `npm run bench` (env BENCH_SECONDS, default 10, per scenario;
 * diagnostics: BENCH_NODE_ARGS for the backend's node, BENCH_DISABLE_RULES before scenario C).
 * Starts the built backend as a child process on 127.0.0.1, runs three scenarios against it,
 * prints a table and, as the last line of stdout, `BENCH_JSON {...}`. Progress goes to stderr.
 * Exit code 0 when every scenario ran without failed requests (whether or not targets are
 * met; see `targets_met` in the JSON), 1 otherwise.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { alertmanagerBinary, alertmanagerThroughput, startAlertmanager } from './alertmanager';
import { startBackend, type BackendProcess } from './backend';
import { keepAliveAgent, request, type Target } from './load';
import { incidentLatency, throughput, type IncidentLatencyResult, type ThroughputResult } from './scenarios';
import { round, summarize } from './stats';
import { fmt, formatTable } from './table';

const CONNECTIONS = 50;
const TARGETS = { batch100EventsPerSecond: 60_000, singleEventsPerSecond: 12_000, incidentP99Ms: 10 };

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

function envNumber(name: string, dflt: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return dflt;
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    total_mem_gb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

function throughputJson(r: ThroughputResult) {
  return {
    events_per_s: round(r.eventsPerSecond, 0),
    p50_ms: round(r.latency.p50),
    p99_ms: round(r.latency.p99),
    max_ms: round(r.latency.max),
    requests: r.load.requests,
    accepted: r.load.accepted,
    duplicates: r.load.duplicates,
    failed: r.load.failed,
    first_error: r.load.firstError,
    seconds: round(r.load.elapsedMs / 1000),
  };
}

function incidentJson(r: IncidentLatencyResult) {
  return {
    target_rate_events_per_s: round(r.targetRate, 0),
    sent_events_per_s: round(r.eventsPerSecond, 0),
    incidents: r.latency.count,
    p50_ms: round(r.latency.p50),
    p99_ms: round(r.latency.p99),
    max_ms: round(r.latency.max),
    ack_p50_ms: round(r.ackLatency.p50),
    ack_p99_ms: round(r.ackLatency.p99),
    missing: r.missing,
    unexpected: r.unexpected,
    incident_updated_events: r.updates,
    requests: r.load.requests,
    request_p50_ms: round(summarize(r.load.latenciesMs).p50),
    request_p99_ms: round(summarize(r.load.latenciesMs).p99),
    failed: r.load.failed,
    first_error: r.load.firstError,
  };
}

/** CPU used during a scenario, in percent of one core (can exceed 100 with several cores). */
interface CpuShare {
  client: number;
  backend: number | null;
}

async function withCpu<T>(backend: BackendProcess, fn: () => Promise<T>): Promise<{ r: T; cpu: CpuShare }> {
  const c0 = process.cpuUsage();
  const b0 = backend.cpuSeconds();
  const t0 = performance.now();
  const r = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const b1 = backend.cpuSeconds();
  return {
    r,
    cpu: {
      client: ((c.user + c.system) / 1e6 / wall) * 100,
      backend: b0 === null || b1 === null ? null : ((b1 - b0) / wall) * 100,
    },
  };
}

const cpuJson = (c: CpuShare) => ({
  client_pct: round(c.client, 0),
  backend_pct: c.backend === null ? null : round(c.backend, 0),
});
const cpuText = (c: CpuShare) =>
  `client ${c.client.toFixed(0)}%, backend ${c.backend === null ? 'n/a' : `${c.backend.toFixed(0)}%`}`;

async function run(seconds: number, setBackend: (b: BackendProcess) => void): Promise<boolean> {
  const m = machine();
  process.stdout.write(
    `machine: ${m.cores} cores, ${m.cpu_model}, ${m.total_mem_gb} GB RAM, node ${m.node} (${m.platform})\n`
  );
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  log('starting backend');
  const backend = await startBackend(repoRoot);
  setBackend(backend);
  log(`backend pid ${backend.pid} on ${backend.host}:${backend.port}, data in ${backend.dataDir}`);
  const agent = keepAliveAgent(CONNECTIONS);
  const target: Target = { host: backend.host, port: backend.port, agent };
  const ms = seconds * 1000;
  try {
    log('warm-up (1 s, not counted)');
    await throughput(target, 'w100', 100, 10, 500, 2_000);
    await throughput(target, 'w1', 1, 10, 500, 50_000);

    log(`A: 100 events/request, ${CONNECTIONS} connections, ${seconds} s`);
    const { r: a, cpu: aCpu } = await withCpu(backend, () => throughput(target, 'a', 100, CONNECTIONS, ms, 200_000));
    log(`A: ${a.eventsPerSecond.toFixed(0)} events/s, ${a.load.failed} failed`);

    log(`B: 1 event/request, ${CONNECTIONS} connections, ${seconds} s`);
    const { r: b, cpu: bCpu } = await withCpu(backend, () => throughput(target, 'b', 1, CONNECTIONS, ms, 2_000_000));
    log(`B: ${b.eventsPerSecond.toFixed(0)} events/s, ${b.load.failed} failed`);

    // BENCH_DISABLE_RULES: comma-separated rule ids to disable before C (diagnostics; default none).
    for (const id of (process.env.BENCH_DISABLE_RULES ?? '').split(',').filter(Boolean)) {
      const res = await request(target, 'POST', `/api/v1/rules/${encodeURIComponent(id)}/disable`);
      if (res.status !== 200) {
        throw new Error(`disabling rule ${id}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      }
      log(`rule ${id} disabled`);
    }
    const rate = Math.max(100, b.eventsPerSecond / 2);
    log(`C: event -> incident at ${rate.toFixed(0)} events/s, ${seconds} s`);
    const { r: c, cpu: cCpu } = await withCpu(backend, () => incidentLatency(target, CONNECTIONS, rate, ms, 250));
    log(`C: ${c.latency.count} incidents, ${c.missing} missing, ${c.load.failed} failed`);

    if (backend.exited()) {
      throw new Error(`the backend ${backend.exited()} during the run\n${backend.stderrTail()}`);
    }
    const rss = backend.peakRssMb();
    const peer = await alertmanagerScenario(seconds);

    const rows = [
      ['scenario', 'events/s', 'p50 ms', 'p99 ms', ''],
      [
        `100 events/request, ${CONNECTIONS} conn`,
        fmt(a.eventsPerSecond, 0),
        fmt(a.latency.p50),
        fmt(a.latency.p99),
        a.load.failed ? `(${a.load.failed} failed)` : '',
      ],
      [
        `1 event/request, ${CONNECTIONS} conn`,
        fmt(b.eventsPerSecond, 0),
        fmt(b.latency.p50),
        fmt(b.latency.p99),
        b.load.failed ? `(${b.load.failed} failed)` : '',
      ],
      [
        'event->incident at half load',
        '-',
        fmt(c.latency.p50),
        fmt(c.latency.p99),
        `(${c.latency.count} incidents at ${c.eventsPerSecond.toFixed(0)} ev/s${c.missing ? `, ${c.missing} missing` : ''}${c.load.failed ? `, ${c.load.failed} failed` : ''})`,
      ],
      ['peak RSS (backend)', rss === null ? 'n/a' : `${rss.toFixed(0)} MB`],
    ];
    if (peer) {
      rows.push([
        `Alertmanager ${peer.version}: 100 alerts/request, ${CONNECTIONS} conn`,
        fmt(peer.result.eventsPerSecond, 0),
        fmt(peer.result.latency.p50),
        fmt(peer.result.latency.p99),
        `(ours / Alertmanager: ${(a.eventsPerSecond / peer.result.eventsPerSecond).toFixed(2)}x)`,
      ]);
    }
    const met = {
      batch100: a.eventsPerSecond >= TARGETS.batch100EventsPerSecond,
      single: b.eventsPerSecond >= TARGETS.singleEventsPerSecond,
      incident_p99: c.latency.count > 0 && c.latency.p99 < TARGETS.incidentP99Ms,
    };
    const yn = (ok: boolean) => (ok ? 'met' : 'MISSED');
    process.stdout.write(`\n${formatTable(rows, ['l', 'r', 'r', 'r', 'l'])}\n`);
    process.stdout.write(
      `targets: 100/req >= ${TARGETS.batch100EventsPerSecond} ev/s, 1/req >= ${TARGETS.singleEventsPerSecond} ev/s, p99 event->incident < ${TARGETS.incidentP99Ms} ms\n` +
        `         ${yn(met.batch100)}, ${yn(met.single)}, ${yn(met.incident_p99)}\n` +
        `cpu (% of one core): A ${cpuText(aCpu)}; B ${cpuText(bCpu)}; C ${cpuText(cCpu)}\n` +
        (peer ? '' : 'Alertmanager: not installed (apt-get install prometheus-alertmanager), so no ratio\n')
    );

    const ok =
      a.load.failed === 0 &&
      b.load.failed === 0 &&
      c.load.failed === 0 &&
      c.latency.count > 0 &&
      a.load.accepted > 0 &&
      b.load.accepted > 0;
    const json = {
      ok,
      seconds_per_scenario: seconds,
      connections: CONNECTIONS,
      machine: m,
      batch100: { ...throughputJson(a), cpu: cpuJson(aCpu) },
      single: { ...throughputJson(b), cpu: cpuJson(bCpu) },
      event_to_incident: { ...incidentJson(c), cpu: cpuJson(cCpu) },
      peak_rss_mb: rss === null ? null : round(rss, 1),
      alertmanager: peer
        ? { version: peer.version, ...throughputJson(peer.result), ratio_ours_to_alertmanager: round(a.eventsPerSecond / peer.result.eventsPerSecond, 2) }
        : null,
      targets: TARGETS,
      targets_met: met,
    };
    process.stdout.write(`BENCH_JSON ${JSON.stringify(json)}\n`);
    return ok;
  } finally {
    agent.destroy();
  }
}

/** Scenario D: the same batches against a real Alertmanager, when one is installed. */
async function alertmanagerScenario(seconds: number) {
  const bin = alertmanagerBinary();
  if (!bin) {
    log('D: no Alertmanager installed; skipped');
    return null;
  }
  const am = await startAlertmanager(bin, CONNECTIONS);
  try {
    log(`D: Alertmanager ${am.version}, 100 alerts/request, ${CONNECTIONS} connections, ${seconds} s`);
    await alertmanagerThroughput(am.target, 100, 10, 500);
    const result = await alertmanagerThroughput(am.target, 100, CONNECTIONS, seconds * 1000);
    log(`D: ${result.eventsPerSecond.toFixed(0)} alerts/s, ${result.load.failed} failed`);
    return { version: am.version, result };
  } finally {
    await am.stop();
  }
}

async function main(): Promise<number> {
  let backend: BackendProcess | null = null;
  const cleanup = async () => {
    if (backend) {
      log('stopping backend');
      await backend.stop();
    }
  };
  let seconds: number;
  try {
    seconds = envNumber('BENCH_SECONDS', 10, 1, 300);
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 1;
  }
  // Nothing may hang: a watchdog bounds the whole run, signals clean up too.
  const watchdogMs = (5 * seconds + 120) * 1000;
  const watchdog = setTimeout(() => {
    log(`watchdog: the run took longer than ${watchdogMs / 1000} s`);
    void cleanup().finally(() => process.exit(1));
  }, watchdogMs);
  watchdog.unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping`);
      void cleanup().finally(() => process.exit(1));
    });
  }
  try {
    const ok = await run(seconds, (b) => (backend = b));
    return ok ? 0 : 1;
  } catch (err) {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    await cleanup().catch((err) => log(`cleanup failed: ${String(err)}`));
  }
}

void main().then((code) => {
  process.exitCode = code;
  // Should anything still hold the event loop, do not hang.
  setTimeout(() => process.exit(code), 5_000).unref();
});
