import { performance } from 'node:perf_hooks';
import { eventsPerSecond, request, runLoad, type LoadItem, type LoadResult, type Target } from './load';
import { subscribe, type SseEvent } from './sse';
import { summarize, type Summary } from './stats';

/** Throughput and request latency of one load scenario. */
export interface ThroughputResult {
  load: LoadResult;
  eventsPerSecond: number;
  latency: Summary;
}

/** Latencies from the send of the threshold-crossing event to the incident's arrival on the stream. */
export interface IncidentLatencyResult {
  /** SSE arrival minus send time of the 10th event, per incident (ms). */
  latency: Summary;
  /** 202 answer minus send time of the same 10th events (ms), for comparison. */
  ackLatency: Summary;
  /** Thresholds crossed (10th events answered 202) with no incident seen on the stream. */
  missing: number;
  /** bench_burst incidents seen on the stream for no source this run crossed. */
  unexpected: number;
  /** `incident_updated` events seen on the stream meanwhile (all rules). */
  updates: number;
  load: LoadResult;
  /** Events per second actually sent and accepted. */
  eventsPerSecond: number;
  targetRate: number;
  /** The same, from receipt to the engine's commit, by the backend's own histogram (no client or stream in it). */
  inBackend: BackendLatency;
}

/** What `mahavishnu_event_to_incident_seconds` counted during the run. */
export interface BackendLatency {
  incidents: number;
  /** Share (0-1) of those incidents detected within 10 ms. */
  within10Ms: number;
  /** The histogram bucket that holds the 99th percentile: p99 is at most this (ms); null with no incident. */
  p99AtMostMs: number | null;
}

/** `mahavishnu_event_to_incident_seconds` buckets from a /metrics text: upper bound (s) -> cumulative count. */
function incidentBuckets(metrics: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of metrics.matchAll(/^mahavishnu_event_to_incident_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) {
    out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  }
  return out;
}

/** The histogram's counts between two /metrics texts. */
export function backendLatency(before: string, after: string): BackendLatency {
  const b = incidentBuckets(before);
  const buckets = [...incidentBuckets(after)].map(([le, n]) => [le, n - (b.get(le) ?? 0)] as const).sort((x, y) => x[0] - y[0]);
  const total = buckets.length ? buckets[buckets.length - 1][1] : 0;
  const within = buckets.find(([le]) => le === 0.01)?.[1] ?? 0;
  const p99 = buckets.find(([, n]) => n >= total * 0.99)?.[0];
  return { incidents: total, within10Ms: total ? within / total : 0, p99AtMostMs: total && p99 !== undefined ? p99 * 1000 : null };
}

/** The custom rule scenario C creates: every source its own group, an incident at its 10th event. */
export const BENCH_RULE = {
  rule_id: 'bench_burst',
  name: 'Bench burst',
  incident_type: 'error_burst',
  severity: 'high',
  error_threshold: 10,
  time_window_seconds: 300,
  match: { event_types: ['bench_error'] },
  group_by: ['source'],
} as const;

const THRESHOLD = BENCH_RULE.error_threshold;
const SOURCES = 1000;

/** A unique prefix for this run's event ids and sources. */
export const RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;

function okEvent(id: string, n: number, now: string): Record<string, unknown> {
  return {
    event_id: id,
    timestamp: now,
    event_type: 'request_ok',
    source: `svc-${n % SOURCES}`,
    severity: 'info',
    message: 'GET /api/items 200',
  };
}

/**
 * Scenario A / B: `connections` keep-alive loops posting `perRequest` events per request
 * (`request_ok` over many sources, unique ids) as fast as answered, bounded by time and count.
 */
export async function throughput(
  target: Target,
  label: string,
  perRequest: number,
  connections: number,
  durationMs: number,
  maxRequests: number
): Promise<ThroughputResult> {
  const next = (w: number, seq: number): LoadItem => {
    const now = new Date().toISOString();
    const base = `${RUN_ID}-${label}-${w}-${seq}`;
    if (perRequest === 1) {
      return { body: JSON.stringify(okEvent(base, w * 7919 + seq, now)), events: 1 };
    }
    const events = new Array<Record<string, unknown>>(perRequest);
    for (let i = 0; i < perRequest; i++) {
      events[i] = okEvent(`${base}-${i}`, w * 7919 + seq * perRequest + i, now);
    }
    return { body: JSON.stringify(events), events: perRequest };
  };
  const load = await runLoad({ target, connections, durationMs, maxRequests, next });
  return { load, eventsPerSecond: eventsPerSecond(load), latency: summarize(load.latenciesMs) };
}

/**
 * Scenario C: creates {@link BENCH_RULE}, subscribes to the stream, then sends single events
 * at `ratePerSecond` over `connections` loops. Each loop posts, between `request_ok` events,
 * every `every`-th request a `bench_error` for its current fresh source; since a loop sends
 * sequentially, that source's 10th event is sent only after its first 9 were committed, so the
 * 10th is the one that crosses the threshold. Each incident_created of bench_burst is matched
 * by its source to the send time of that 10th event.
 */
export async function incidentLatency(
  target: Target,
  connections: number,
  ratePerSecond: number,
  durationMs: number,
  targetIncidents: number
): Promise<IncidentLatencyResult> {
  const created = await request(target, 'POST', '/api/v1/rules', JSON.stringify(BENCH_RULE));
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`creating rule bench_burst: HTTP ${created.status} ${created.body.slice(0, 300)}`);
  }

  const sentAt = new Map<string, number>(); // source -> send time of its 10th event
  const acked = new Map<string, number>(); // source -> ack latency of its 10th event
  const latencies: number[] = [];
  const ackLatencies: number[] = [];
  let unexpected = 0;
  let updates = 0;
  const onEvent = (e: SseEvent) => {
    if (e.event === 'incident_updated') {
      updates += 1;
      return;
    }
    if (e.event !== 'incident_created') {
      return;
    }
    const inc = JSON.parse(e.data) as { rule_id?: string | null; affected_components?: string[] };
    if (inc.rule_id !== BENCH_RULE.rule_id) {
      return;
    }
    const source = inc.affected_components?.[0];
    const at = source === undefined ? undefined : sentAt.get(source);
    if (source === undefined || at === undefined) {
      unexpected += 1;
      return;
    }
    sentAt.delete(source);
    latencies.push(e.receivedAt - at);
  };
  const sub = await subscribe(target.host, target.port, '/api/v1/stream', onEvent);
  const metricsBefore = (await request(target, 'GET', '/metrics')).body;

  try {
    // Spread the error events so that about targetIncidents * 1.2 thresholds are crossed in time.
    const perWorker = (ratePerSecond * durationMs) / 1000 / connections;
    const burstsPerWorker = Math.ceil((targetIncidents * 1.2) / connections);
    const every = Math.max(1, Math.floor(perWorker / (burstsPerWorker * THRESHOLD)));
    const state = Array.from({ length: connections }, () => ({ burst: 0, count: 0 }));

    const next = (w: number, seq: number): LoadItem => {
      const now = new Date().toISOString();
      const id = `${RUN_ID}-c-${w}-${seq}`;
      if (seq % every !== w % every) {
        return { body: JSON.stringify(okEvent(id, w * 7919 + seq, now)), events: 1 };
      }
      const st = state[w];
      const source = `bench-${RUN_ID}-w${w}-b${st.burst}`;
      st.count += 1;
      const body = JSON.stringify({
        event_id: id,
        timestamp: now,
        event_type: 'bench_error',
        source,
        severity: 'high',
        message: `bench error ${st.count}`,
      });
      if (st.count < THRESHOLD) {
        return { body, events: 1 };
      }
      st.count = 0;
      st.burst += 1;
      let sent = 0;
      return {
        body,
        events: 1,
        onSent: (at) => {
          sent = at;
          sentAt.set(source, at);
        },
        onAccepted: (at) => {
          acked.set(source, at - sent);
          ackLatencies.push(at - sent);
        },
      };
    };
    const load = await runLoad({
      target,
      connections,
      durationMs,
      ratePerSecond,
      maxRequests: Math.ceil((ratePerSecond * durationMs) / 1000) + 1000,
      next,
    });

    // Let the stream catch up with the last thresholds crossed (bounded).
    const waitUntil = performance.now() + 5_000;
    while (performance.now() < waitUntil && [...acked.keys()].some((s) => sentAt.has(s))) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const missing = [...acked.keys()].filter((s) => sentAt.has(s)).length;
    const metricsAfter = (await request(target, 'GET', '/metrics')).body;
    return {
      inBackend: backendLatency(metricsBefore, metricsAfter),
      latency: summarize(latencies),
      ackLatency: summarize(ackLatencies),
      missing,
      unexpected,
      updates,
      load,
      eventsPerSecond: eventsPerSecond(load),
      targetRate: ratePerSecond,
    };
  } finally {
    sub.close();
  }
}

/** The rule scenario E creates: every source its own group, a threshold no group reaches, the longest window. */
export const WINDOW_RULE = {
  rule_id: 'bench_window',
  name: 'Bench window',
  incident_type: 'error_burst',
  severity: 'low',
  error_threshold: 1_000_000,
  time_window_seconds: 3600,
  match: { event_types: ['bench_hold'] },
  group_by: ['source'],
} as const;

/** What scenario E left inside the detection windows. */
export interface WindowMemoryResult {
  load: LoadResult;
  eventsPerSecond: number;
  /** `mahavishnu_detection_window_events` after the load. */
  heldEvents: number;
}

/**
 * Scenario E: fills the detection windows with `total` events (100 per request, 1000 sources, one
 * group each, none reaching its threshold, all inside the window), then reads how many the backend holds.
 */
export async function windowMemory(target: Target, connections: number, total: number, durationMs: number): Promise<WindowMemoryResult> {
  const created = await request(target, 'POST', '/api/v1/rules', JSON.stringify(WINDOW_RULE));
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`creating rule bench_window: HTTP ${created.status} ${created.body.slice(0, 300)}`);
  }
  const perRequest = 100;
  const next = (w: number, seq: number): LoadItem => {
    const now = new Date().toISOString();
    const events = new Array<Record<string, unknown>>(perRequest);
    for (let i = 0; i < perRequest; i++) {
      const n = w * 7919 + seq * perRequest + i;
      events[i] = { event_id: `${RUN_ID}-e-${w}-${seq}-${i}`, timestamp: now, event_type: 'bench_hold', source: `hold-${n % SOURCES}`, message: 'queue depth high' };
    }
    return { body: JSON.stringify(events), events: perRequest };
  };
  const load = await runLoad({ target, connections, durationMs, maxRequests: Math.ceil(total / perRequest), next });
  const metrics = await request(target, 'GET', '/metrics');
  const held = /^mahavishnu_detection_window_events (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(metrics.body);
  return { load, eventsPerSecond: eventsPerSecond(load), heldEvents: held ? Number(held[1]) : 0 };
}
