/**
 * Load benchmark of the backend: `npm run bench` (env BENCH_SECONDS, default 10, per scenario;
 * BENCH_PG_URL, default postgres://root@127.0.0.1:5432/test; diagnostics: BENCH_NODE_ARGS for the
 * backend's node, BENCH_DISABLE_RULES before scenario C).
 * Starts the built backend as a child process on 127.0.0.1 on SQLite and runs three scenarios
 * against it; then, when PostgreSQL is reachable at BENCH_PG_URL, the same against a backend in a
 * fresh schema `bench_<random>` there (dropped afterwards); then scenario D against Alertmanager
 * when installed. Prints a table with both stores side by side and, as the last line of stdout,
 * `BENCH_JSON {...}`. Progress goes to stderr. Exit code 0 when every scenario ran without failed
 * requests (whether or not targets are met; see `targets_met` in the JSON; an unreachable
 * PostgreSQL is a note, not a failure), 1 otherwise.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { alertmanagerBinary, alertmanagerThroughput, startAlertmanager } from './alertmanager';
import { startBackend, type BackendProcess } from './backend';
import { closeTarget, openTarget, request } from './load';
import { createBenchSchema, DEFAULT_PG_URL, redactUrl } from './postgres';
import {
  CONNECTIONS,
  cpuText,
  passJson,
  passOk,
  STORE_LABEL,
  table,
  throughputJson,
  TARGETS,
  targetsMet,
  WINDOW_EVENTS,
  type CpuShare,
  type PeerResult,
  type StoreName,
  type StorePass,
} from './report';
import { incidentLatency, throughput, windowMemory } from './scenarios';
import { round } from './stats';


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

/** What has to be undone should the run be interrupted (backends to stop, schemas to drop), newest first. */
type Cleanups = Array<() => Promise<void>>;

async function undo(cleanups: Cleanups, fn: () => Promise<void>): Promise<void> {
  const i = cleanups.indexOf(fn);
  if (i >= 0) {
    cleanups.splice(i, 1);
  }
  await fn();
}


/** Starts a backend on `store` (extra env), runs A, B and C against it, stops it; then E on a fresh backend (`windowEnv`). */
async function storePass(
  store: StoreName,
  seconds: number,
  extraEnv: Record<string, string>,
  cleanups: Cleanups,
  windowEnv: Record<string, string> = extraEnv
): Promise<StorePass> {
  const abc = await storePassABC(store, seconds, extraEnv, cleanups);
  const name = STORE_LABEL[store];
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  log(`${name} E: ${WINDOW_EVENTS} events into the windows of a fresh backend`);
  const backend = await startBackend(repoRoot, windowEnv);
  const stop = () => backend.stop();
  cleanups.unshift(stop);
  const target = openTarget(backend.host, backend.port, CONNECTIONS);
  try {
    const e = await windowMemory(target, CONNECTIONS, WINDOW_EVENTS, 300_000);
    log(`${name} E: ${e.heldEvents} events held, peak RSS ${backend.peakRssMb()?.toFixed(0) ?? 'n/a'} MB, ${e.load.failed} failed; 10 s idle`);
    await new Promise((r) => setTimeout(r, 10_000));
    if (backend.exited()) {
      throw new Error(`the backend ${backend.exited()} during scenario E\n${backend.stderrTail()}`);
    }
    return { ...abc, e, eRss: backend.peakRssMb(), eRssSettled: backend.rssMb() };
  } finally {
    await closeTarget(target);
    await undo(cleanups, stop);
  }
}

async function storePassABC(
  store: StoreName,
  seconds: number,
  extraEnv: Record<string, string>,
  cleanups: Cleanups
): Promise<Omit<StorePass, 'e' | 'eRss' | 'eRssSettled'>> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const name = STORE_LABEL[store];
  log(`${name}: starting backend`);
  const backend = await startBackend(repoRoot, extraEnv);
  const stop = () => {
    log(`${name}: stopping backend`);
    return backend.stop();
  };
  cleanups.unshift(stop);
  log(`${name}: backend pid ${backend.pid} on ${backend.host}:${backend.port}, data in ${backend.dataDir}`);
  const target = openTarget(backend.host, backend.port, CONNECTIONS);
  const ms = seconds * 1000;
  try {
    log(`${name}: warm-up (1 s, not counted)`);
    await throughput(target, 'w100', 100, 10, 500, 2_000);
    await throughput(target, 'w1', 1, 10, 500, 50_000);

    log(`${name} A: 100 events/request, ${CONNECTIONS} connections, ${seconds} s`);
    const { r: a, cpu: aCpu } = await withCpu(backend, () => throughput(target, 'a', 100, CONNECTIONS, ms, 200_000));
    log(`${name} A: ${a.eventsPerSecond.toFixed(0)} events/s, ${a.load.failed} failed`);

    log(`${name} B: 1 event/request, ${CONNECTIONS} connections, ${seconds} s`);
    const { r: b, cpu: bCpu } = await withCpu(backend, () => throughput(target, 'b', 1, CONNECTIONS, ms, 2_000_000));
    log(`${name} B: ${b.eventsPerSecond.toFixed(0)} events/s, ${b.load.failed} failed`);

    // BENCH_DISABLE_RULES: comma-separated rule ids to disable before C (diagnostics; default none).
    for (const id of (process.env.BENCH_DISABLE_RULES ?? '').split(',').filter(Boolean)) {
      const res = await request(target, 'POST', `/api/v1/rules/${encodeURIComponent(id)}/disable`);
      if (res.status !== 200) {
        throw new Error(`disabling rule ${id}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      }
      log(`${name}: rule ${id} disabled`);
    }
    const rate = Math.max(100, b.eventsPerSecond / 2);
    log(`${name} C: event -> incident at ${rate.toFixed(0)} events/s, ${seconds} s`);
    const { r: c, cpu: cCpu } = await withCpu(backend, () => incidentLatency(target, CONNECTIONS, rate, ms, 250));
    log(`${name} C: ${c.latency.count} incidents, ${c.missing} missing, ${c.load.failed} failed`);

    if (backend.exited()) {
      throw new Error(`the backend ${backend.exited()} during the run\n${backend.stderrTail()}`);
    }
    return { a, aCpu, b, bCpu, c, cCpu, rss: backend.peakRssMb() };
  } finally {
    await closeTarget(target);
    await undo(cleanups, stop);
  }
}

/**
 * The PostgreSQL pass, in a fresh schema `bench_<random>` at BENCH_PG_URL (dropped afterwards);
 * `{ skipped }` when PostgreSQL cannot be reached there.
 */
async function postgresPass(seconds: number, cleanups: Cleanups): Promise<StorePass | { skipped: string }> {
  const url = process.env.BENCH_PG_URL || DEFAULT_PG_URL;
  const created = await createBenchSchema(url);
  if ('skipped' in created) {
    return created;
  }
  log(`PostgreSQL: schema ${created.schema} at ${redactUrl(url)}`);
  const drop = () => {
    log(`PostgreSQL: dropping schema ${created.schema}`);
    return created.drop();
  };
  cleanups.unshift(drop);
  // Scenario E starts from an empty store of its own.
  const windows = await createBenchSchema(url);
  if ('skipped' in windows) {
    await undo(cleanups, drop);
    return windows;
  }
  const dropWindows = () => windows.drop();
  cleanups.unshift(dropWindows);
  try {
    return await storePass(
      'postgres',
      seconds,
      { MAHAVISHNU_STORE_URL: url, MAHAVISHNU_STORE_SCHEMA: created.schema },
      cleanups,
      { MAHAVISHNU_STORE_URL: url, MAHAVISHNU_STORE_SCHEMA: windows.schema }
    );
  } finally {
    await undo(cleanups, drop).catch((err) => log(`dropping schema ${created.schema} failed: ${String(err)}`));
    await undo(cleanups, dropWindows).catch((err) => log(`dropping schema ${windows.schema} failed: ${String(err)}`));
  }
}

async function run(seconds: number, cleanups: Cleanups): Promise<boolean> {
  const m = machine();
  process.stdout.write(
    `machine: ${m.cores} cores, ${m.cpu_model}, ${m.total_mem_gb} GB RAM, node ${m.node} (${m.platform})\n`
  );
  const sqlite = await storePass('sqlite', seconds, {}, cleanups);
  let postgres: StorePass | null = null;
  let postgresNote: string | null = null;
  try {
    const pg = await postgresPass(seconds, cleanups);
    if ('skipped' in pg) {
      postgresNote = `skipped: ${pg.skipped}`;
      log(`PostgreSQL: ${postgresNote}`);
    } else {
      postgres = pg;
    }
  } catch (err) {
    postgresNote = `failed: ${err instanceof Error ? err.message : String(err)}`;
    log(`PostgreSQL: ${postgresNote}`);
  }
  const peer = await alertmanagerScenario(seconds);

  const passes: Array<[StoreName, StorePass]> = [['sqlite', sqlite]];
  if (postgres) {
    passes.push(['postgres', postgres]);
  }
  const yn = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const metText = passes
    .map(([store, p]) => {
      const met = targetsMet(p);
      return `         ${STORE_LABEL[store]}: ${yn(met.batch100)}, ${yn(met.single)}, ${yn(met.incident_p99)}, ${yn(met.rss_with_windows)}\n`;
    })
    .join('');
  const cpuLines = passes
    .map(
      ([store, p]) =>
        `cpu (% of one core), ${STORE_LABEL[store]}: A ${cpuText(p.aCpu)}; B ${cpuText(p.bCpu)}; C ${cpuText(p.cCpu)}\n`
    )
    .join('');
  process.stdout.write(`\n${table(passes, peer)}\n`);
  process.stdout.write(
    `targets: 100/req >= ${TARGETS.batch100EventsPerSecond} ev/s, 1/req >= ${TARGETS.singleEventsPerSecond} ev/s, p99 event->incident < ${TARGETS.incidentP99Ms} ms, peak RSS < ${TARGETS.peakRssMb} MB with ${WINDOW_EVENTS / 1e6}M events in windows\n` +
      metText +
      cpuLines +
      (postgresNote ? `PostgreSQL: ${postgresNote}\n` : '') +
      (peer ? '' : 'Alertmanager: not installed (apt-get install prometheus-alertmanager), so no ratio\n')
  );

  // A PostgreSQL pass that was skipped (not reachable) does not fail the run; one that failed does.
  const ok = passOk(sqlite) && (postgres ? passOk(postgres) : !postgresNote?.startsWith('failed'));
  const sqliteJson = passJson(sqlite);
  const ratio = (p: StorePass | null) =>
    p && peer ? round(p.a.eventsPerSecond / peer.result.eventsPerSecond, 2) : null;
  const json = {
    ok,
    seconds_per_scenario: seconds,
    connections: CONNECTIONS,
    machine: m,
    // SQLite's figures at the top level, as before the PostgreSQL pass existed; both under `stores`.
    batch100: sqliteJson.batch100,
    single: sqliteJson.single,
    event_to_incident: sqliteJson.event_to_incident,
    peak_rss_mb: sqliteJson.peak_rss_mb,
    stores: {
      sqlite: sqliteJson,
      postgres: postgres ? passJson(postgres) : null,
    },
    postgres_note: postgresNote,
    alertmanager: peer
      ? {
          version: peer.version,
          ...throughputJson(peer.result),
          ratio_ours_to_alertmanager: ratio(sqlite),
          ratio_postgres_to_alertmanager: ratio(postgres),
        }
      : null,
    targets: TARGETS,
    targets_met: sqliteJson.targets_met,
  };
  process.stdout.write(`BENCH_JSON ${JSON.stringify(json)}\n`);
  return ok;
}

/** Scenario D: the same batches against a real Alertmanager, when one is installed. */
async function alertmanagerScenario(seconds: number): Promise<PeerResult> {
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
  const cleanups: Cleanups = [];
  const cleanup = async () => {
    while (cleanups.length > 0) {
      await cleanups.shift()!().catch((err) => log(`cleanup failed: ${String(err)}`));
    }
  };
  let seconds: number;
  try {
    seconds = envNumber('BENCH_SECONDS', 10, 1, 300);
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 1;
  }
  // Nothing may hang: a watchdog bounds the whole run (two stores, then Alertmanager), signals clean up too.
  const watchdogMs = (9 * seconds + 180) * 1000;
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
    const ok = await run(seconds, cleanups);
    return ok ? 0 : 1;
  } catch (err) {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

void main().then((code) => {
  process.exitCode = code;
  // Should anything still hold the event loop, do not hang.
  setTimeout(() => process.exit(code), 5_000).unref();
});
