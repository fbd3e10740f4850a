/**
 * What backtests cost everyone else: `npm run bench:backtests` (env BENCH_SECONDS, default 8, per
 * phase; BENCH_ROUNDS, default 2; BENCH_BASELINE_ROOT, optional: the root of another checkout whose
 * backend is built, run as "before", interleaved with this one).
 *
 * For each build and round, a backend on SQLite on 127.0.0.1 takes a steady intake (one event per
 * request) while /healthz is probed; first quiet, then while 4 clients each run 100,000-event
 * backtests back to back. Reported per phase: intake latency p99, /healthz latency p99 and the
 * backend's event-loop delay p99 (from its /metrics, which resets it at each scrape); and the ratio
 * of each with backtests to without, per run and as a range per build. Last line of stdout:
 * `BENCH_JSON {...}`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startBackend, type BackendProcess } from './backend';
import { closeTarget, openTarget, request, type Target } from './load';
import { round, summarize } from './stats';

const BACKTESTS = 4;
const BACKTEST_EVENTS = 100_000;
const INTAKE_CONNECTIONS = 4;
/** Each intake connection sends at most one request per this many ms. */
const INTAKE_PACE_MS = 10;
const HEALTH_PACE_MS = 20;

interface Phase {
  intake_p99_ms: number;
  intake_requests: number;
  intake_failed: number;
  healthz_p99_ms: number;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  backtests_answered: Record<string, number>;
}

interface Run {
  build: string;
  round: number;
  quiet: Phase;
  backtests: Phase;
}

function log(msg: string): void {
  process.stderr.write(`[bench:backtests] ${msg}\n`);
}

function envNumber(name: string, dflt: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? dflt : Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  }
  return n;
}

/** A day of a busy service: one event in a hundred is an error (detection of about a second). */
function backtestBody(): string {
  const t0 = Date.parse('2026-11-26T10:00:00Z');
  const events = Array.from({ length: BACKTEST_EVENTS }, (_, i) => ({
    event_id: `bt_${i}`,
    event_type: i % 100 === 0 ? 'api_error' : 'heartbeat',
    source: `svc-${i % 7}`,
    message: 'x',
    timestamp: new Date(t0 + i * 10).toISOString(),
  }));
  return JSON.stringify({ events, dry_run: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The backend's event-loop delay since the last scrape (prom-client resets it at each). */
async function loopDelay(t: Target): Promise<{ p99: number; max: number }> {
  const text = (await request(t, 'GET', '/metrics')).body;
  const read = (name: string) => Number(new RegExp(`^mahavishnu_nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: read('p99'), max: read('max') };
}

/** One phase of `ms`: the intake and the /healthz probe, with `BACKTESTS` clients backtesting when `body` is given. */
async function phase(backend: BackendProcess, ms: number, body: string | null): Promise<Phase> {
  const intake = openTarget(backend.host, backend.port, INTAKE_CONNECTIONS);
  const health = openTarget(backend.host, backend.port, 1);
  const heavy = openTarget(backend.host, backend.port, BACKTESTS);
  try {
    await loopDelay(health);
    const end = performance.now() + ms;
    const intakeMs: number[] = [];
    const healthMs: number[] = [];
    let failed = 0;
    let n = 0;
    const answered: Record<string, number> = {};
    const intakeWorker = async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const res = await request(intake, 'POST', '/api/v1/events', JSON.stringify({ event_id: `in_${process.pid}_${n++}_${Math.random()}`, event_type: 'heartbeat', source: 'bench', message: 'ok' })).catch(() => null);
        const took = performance.now() - t;
        intakeMs.push(took);
        if (res?.status !== 202) {
          failed += 1;
        }
        await sleep(Math.max(0, INTAKE_PACE_MS - took));
      }
    };
    const healthWorker = async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await request(health, 'GET', '/healthz').catch(() => null);
        const took = performance.now() - t;
        healthMs.push(took);
        await sleep(Math.max(0, HEALTH_PACE_MS - took));
      }
    };
    const backtester = async () => {
      while (body !== null && performance.now() < end) {
        const res = await request(heavy, 'POST', '/api/v1/rules/error_burst/test', body, 120_000).catch(() => null);
        const key = String(res?.status ?? 'error');
        answered[key] = (answered[key] ?? 0) + 1;
        if (res?.status === 503) {
          await sleep(1000);
        }
      }
    };
    await Promise.all([
      ...Array.from({ length: INTAKE_CONNECTIONS }, intakeWorker),
      healthWorker(),
      ...Array.from({ length: body === null ? 0 : BACKTESTS }, backtester),
    ]);
    const delay = await loopDelay(health);
    return {
      intake_p99_ms: summarize(intakeMs).p99,
      intake_requests: intakeMs.length,
      intake_failed: failed,
      healthz_p99_ms: summarize(healthMs).p99,
      loop_delay_p99_ms: delay.p99,
      loop_delay_max_ms: delay.max,
      backtests_answered: answered,
    };
  } finally {
    await Promise.all([closeTarget(intake), closeTarget(health), closeTarget(heavy)]);
  }
}

/** A run on one build: a fresh backend, the quiet phase, then the phase with backtests. */
async function runOnce(build: string, root: string, round_: number, seconds: number, body: string, configFile: string): Promise<Run> {
  const backend = await startBackend(root, { MAHAVISHNU_CONFIG: configFile });
  try {
    log(`${build} round ${round_}: warm-up`);
    await phase(backend, 1000, null);
    log(`${build} round ${round_}: ${seconds} s without backtests`);
    const quiet = await phase(backend, seconds * 1000, null);
    log(`${build} round ${round_}: ${seconds} s with ${BACKTESTS} parallel ${BACKTEST_EVENTS}-event backtests`);
    const backtests = await phase(backend, seconds * 1000, body);
    if (backend.exited()) {
      throw new Error(`the backend ${backend.exited()}\n${backend.stderrTail()}`);
    }
    return { build, round: round_, quiet, backtests };
  } finally {
    await backend.stop();
  }
}

const ratio = (r: Run, key: keyof Omit<Phase, 'backtests_answered'>) => r.backtests[key] / r.quiet[key];

function range(values: number[], digits = 1): string {
  const ok = values.filter(Number.isFinite);
  if (ok.length === 0) {
    return 'n/a';
  }
  const [lo, hi] = [Math.min(...ok), Math.max(...ok)];
  return lo === hi ? `${lo.toFixed(digits)}` : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
}

async function main(): Promise<number> {
  const seconds = envNumber('BENCH_SECONDS', 8);
  const rounds = envNumber('BENCH_ROUNDS', 2);
  const here = path.resolve(__dirname, '..', '..', '..');
  const baseline = process.env.BENCH_BASELINE_ROOT ? path.resolve(process.env.BENCH_BASELINE_ROOT) : null;
  const builds: Array<[string, string]> = baseline ? [['before', baseline], ['after', here]] : [['this', here]];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mahavishnu-bench-backtests-'));
  const configFile = path.join(dir, 'config.yaml');
  // A body of 100,000 events is about 9 MB: over the default limit of 10 MB with room to spare.
  fs.writeFileSync(configFile, 'server:\n  body_limit_bytes: 67108864\n');
  const body = backtestBody();
  const runs: Run[] = [];
  try {
    for (let r = 1; r <= rounds; r++) {
      for (const [build, root] of builds) {
        runs.push(await runOnce(build, root, r, seconds, body, configFile));
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  process.stdout.write(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model.trim()}, node ${process.version}\n`);
  process.stdout.write('build   round  phase      intake p99  /healthz p99  loop delay p99 (max)  backtests answered\n');
  for (const r of runs) {
    for (const [name, p] of [['quiet', r.quiet], ['backtests', r.backtests]] as const) {
      process.stdout.write(
        `${r.build.padEnd(7)} ${String(r.round).padEnd(6)} ${name.padEnd(10)} ${ms(p.intake_p99_ms).padStart(10)}  ${ms(p.healthz_p99_ms).padStart(12)}  ${`${ms(p.loop_delay_p99_ms)} (${ms(p.loop_delay_max_ms)})`.padStart(20)}  ${JSON.stringify(p.backtests_answered)}\n`
      );
    }
  }
  const summary = builds.map(([build]) => {
    const mine = runs.filter((r) => r.build === build);
    return {
      build,
      intake_p99_ratio: range(mine.map((r) => ratio(r, 'intake_p99_ms'))),
      healthz_p99_ratio: range(mine.map((r) => ratio(r, 'healthz_p99_ms'))),
      loop_delay_p99_ratio: range(mine.map((r) => ratio(r, 'loop_delay_p99_ms'))),
    };
  });
  for (const s of summary) {
    process.stdout.write(`${s.build}: with backtests / without: intake p99 ${s.intake_p99_ratio}x, /healthz p99 ${s.healthz_p99_ratio}x, event-loop delay p99 ${s.loop_delay_p99_ratio}x\n`);
  }
  const failed = runs.reduce((n, r) => n + r.quiet.intake_failed + r.backtests.intake_failed, 0);
  const json = {
    ok: failed === 0,
    seconds_per_phase: seconds,
    backtests: BACKTESTS,
    backtest_events: BACKTEST_EVENTS,
    runs: runs.map((r) => ({
      ...r,
      ratios: {
        intake_p99: round(ratio(r, 'intake_p99_ms')),
        healthz_p99: round(ratio(r, 'healthz_p99_ms')),
        loop_delay_p99: round(ratio(r, 'loop_delay_p99_ms')),
      },
    })),
    summary,
  };
  process.stdout.write(`BENCH_JSON ${JSON.stringify(json)}\n`);
  return failed === 0 ? 0 : 1;
}

void main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 5_000).unref();
  },
  (err) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  }
);
