/**
 * What the benchmark reports: each store's pass as JSON, whether it met the targets, and the table
 * that sets both stores side by side with Alertmanager.
 */
import type { IncidentLatencyResult, ThroughputResult, WindowMemoryResult } from './scenarios';
import { round, summarize } from './stats';
import { fmt, formatTable, type Align } from './table';

export const CONNECTIONS = 50;
export const TARGETS = { batch100EventsPerSecond: 60_000, singleEventsPerSecond: 12_000, incidentP99Ms: 10, peakRssMb: 256 };
/** Events scenario E puts inside the windows. */
export const WINDOW_EVENTS = 1_000_000;

/** Alertmanager under the same load (scenario D), when it is installed. */
export type PeerResult = { version: string; result: ThroughputResult } | null;

export function throughputJson(r: ThroughputResult) {
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
    backend_incidents: r.inBackend.incidents,
    backend_within_10ms_pct: round(r.inBackend.within10Ms * 100, 1),
    backend_p99_at_most_ms: r.inBackend.p99AtMostMs,
    requests: r.load.requests,
    request_p50_ms: round(summarize(r.load.latenciesMs).p50),
    request_p99_ms: round(summarize(r.load.latenciesMs).p99),
    failed: r.load.failed,
    first_error: r.load.firstError,
  };
}

/** CPU used during a scenario, in percent of one core (can exceed 100 with several cores). */
export interface CpuShare {
  client: number;
  backend: number | null;
}

const cpuJson = (c: CpuShare) => ({
  client_pct: round(c.client, 0),
  backend_pct: c.backend === null ? null : round(c.backend, 0),
});
export const cpuText = (c: CpuShare) =>
  `client ${c.client.toFixed(0)}%, backend ${c.backend === null ? 'n/a' : `${c.backend.toFixed(0)}%`}`;

/** One store's pass: scenarios A, B and C against a backend of its own. */
export interface StorePass {
  a: ThroughputResult;
  aCpu: CpuShare;
  b: ThroughputResult;
  bCpu: CpuShare;
  c: IncidentLatencyResult;
  cCpu: CpuShare;
  rss: number | null;
  /** Scenario E, on a backend of its own: a million events inside the windows, and its peak RSS. */
  e: WindowMemoryResult;
  eRss: number | null;
  /** RSS with the windows full, after ten idle seconds (the footprint without the fill's garbage). */
  eRssSettled: number | null;
}

export type StoreName = 'sqlite' | 'postgres';
export const STORE_LABEL: Record<StoreName, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export const passOk = (p: StorePass) =>
  p.a.load.failed === 0 &&
  p.b.load.failed === 0 &&
  p.c.load.failed === 0 &&
  p.c.latency.count > 0 &&
  p.a.load.accepted > 0 &&
  p.b.load.accepted > 0 &&
  p.e.load.failed === 0;

export function targetsMet(p: StorePass) {
  return {
    batch100: p.a.eventsPerSecond >= TARGETS.batch100EventsPerSecond,
    single: p.b.eventsPerSecond >= TARGETS.singleEventsPerSecond,
    incident_p99: p.c.latency.count > 0 && p.c.latency.p99 < TARGETS.incidentP99Ms,
    rss_with_windows: p.e.heldEvents >= WINDOW_EVENTS && p.eRss !== null && p.eRss < TARGETS.peakRssMb,
  };
}

export function passJson(p: StorePass) {
  return {
    ok: passOk(p),
    batch100: { ...throughputJson(p.a), cpu: cpuJson(p.aCpu) },
    single: { ...throughputJson(p.b), cpu: cpuJson(p.bCpu) },
    event_to_incident: { ...incidentJson(p.c), cpu: cpuJson(p.cCpu) },
    peak_rss_mb: p.rss === null ? null : round(p.rss, 1),
    windows: { held_events: p.e.heldEvents, events_per_s: round(p.e.eventsPerSecond, 0), failed: p.e.load.failed, peak_rss_mb: p.eRss === null ? null : round(p.eRss, 1), rss_10s_after_mb: p.eRssSettled === null ? null : round(p.eRssSettled, 1) },
    targets_met: targetsMet(p),
  };
}

const failedNote = (r: ThroughputResult) => (r.load.failed ? `${r.load.failed} failed` : '');

/** The table: one row per scenario, each store's events/s, p50 and p99 side by side. */
export function table(passes: Array<[StoreName, StorePass]>, peer: PeerResult): string {
  const header = ['scenario'];
  for (const [store] of passes) {
    header.push(`${STORE_LABEL[store]} ev/s`, 'p50 ms', 'p99 ms');
  }
  header.push('');
  const notes = (f: (p: StorePass) => string) =>
    passes
      .map(([store, p]) => [store, f(p)] as const)
      .filter(([, n]) => n !== '')
      .map(([store, n]) => (passes.length > 1 ? `${STORE_LABEL[store]}: ${n}` : n))
      .join('; ');
  const paren = (s: string) => (s ? `(${s})` : '');
  const row = (label: string, cells: (p: StorePass) => string[], note: (p: StorePass) => string) => [
    label,
    ...passes.flatMap(([, p]) => cells(p)),
    paren(notes(note)),
  ];
  const rows: string[][] = [
    header,
    row(
      `100 events/request, ${CONNECTIONS} conn`,
      (p) => [fmt(p.a.eventsPerSecond, 0), fmt(p.a.latency.p50), fmt(p.a.latency.p99)],
      (p) => failedNote(p.a)
    ),
    row(
      `1 event/request, ${CONNECTIONS} conn`,
      (p) => [fmt(p.b.eventsPerSecond, 0), fmt(p.b.latency.p50), fmt(p.b.latency.p99)],
      (p) => failedNote(p.b)
    ),
    row(
      'event->incident at half load',
      (p) => ['-', fmt(p.c.latency.p50), fmt(p.c.latency.p99)],
      (p) =>
        `${p.c.latency.count} incidents at ${p.c.eventsPerSecond.toFixed(0)} ev/s${p.c.missing ? `, ${p.c.missing} missing` : ''}${p.c.load.failed ? `, ${p.c.load.failed} failed` : ''}, ` +
        `inside the backend ${(p.c.inBackend.within10Ms * 100).toFixed(1)}% within 10 ms, p99 <= ${p.c.inBackend.p99AtMostMs ?? '-'} ms`
    ),
    row(
      'peak RSS (backend, A-C)',
      (p) => [p.rss === null ? 'n/a' : `${p.rss.toFixed(0)} MB`, '', ''],
      () => ''
    ),
    row(
      `peak RSS, ${WINDOW_EVENTS / 1e6}M events in windows`,
      (p) => [p.eRss === null ? 'n/a' : `${p.eRss.toFixed(0)} MB`, '', ''],
      (p) =>
        `${p.e.heldEvents} held, filled at ${p.e.eventsPerSecond.toFixed(0)} ev/s${p.e.load.failed ? `, ${p.e.load.failed} failed` : ''}, ${p.eRssSettled === null ? 'n/a' : `${p.eRssSettled.toFixed(0)} MB`} 10 s after`
    ),
  ];
  const align: Align[] = ['l', ...passes.flatMap(() => ['r', 'r', 'r'] as const), 'l'];
  if (peer) {
    const ratios = passes
      .map(([store, p]) => {
        const x = `${(p.a.eventsPerSecond / peer.result.eventsPerSecond).toFixed(2)}x`;
        return passes.length > 1 ? `${STORE_LABEL[store]} ${x}` : x;
      })
      .join(', ');
    rows.push([
      `Alertmanager ${peer.version}: 100 alerts/request, ${CONNECTIONS} conn`,
      fmt(peer.result.eventsPerSecond, 0),
      fmt(peer.result.latency.p50),
      fmt(peer.result.latency.p99),
      ...passes.slice(1).flatMap(() => ['', '', '']),
      `(ours / Alertmanager: ${ratios})`,
    ]);
  }
  return formatTable(rows, align);
}
