import { mttd, mttr } from '../correlation/correlator';
import type { IncidentRecord } from '../domain/records';
import type { Severity } from '../schema/enums';
import { round3 } from '../util/time';
import { frame, fromRows } from './frames';
import type { DsFrame, DsQueryOf, TimeRange } from './schema';
import {
  activeIncidents,
  incidentsInRange,
  SEVERITIES_WORST_FIRST,
  SEVERITY_COLORS,
  SEVERITY_HEX,
  type QuerySource,
} from './source';

/** The query types that aggregate incidents for a panel: time series, component health, annotations. */

const MINUTE = 60_000;

/** At most this many buckets a series; a narrower interval over a longer range is widened. */
export const MAX_BUCKETS = 2000;

/**
 * The bucket width of a time series: `intervalMs` when given, else the range / 50 rounded to a
 * minute and at least a minute; widened (to whole minutes) when it would make more than MAX_BUCKETS.
 */
export function bucketWidth(range: TimeRange, intervalMs?: number): number {
  const span = range.to - range.from;
  const wanted = intervalMs ?? Math.max(MINUTE, Math.round(span / 50 / MINUTE) * MINUTE);
  return span / wanted > MAX_BUCKETS ? Math.ceil(span / MAX_BUCKETS / MINUTE) * MINUTE : wanted;
}

/**
 * Incidents detected per bucket, one number field per severity (worst first, zero where none);
 * or with `metric: 'mttd' | 'mttr'` that average in seconds per bucket (null where no incident, or
 * for MTTR no resolved one). Buckets start on multiples of their width (epoch-aligned) and are
 * stamped with their start; the first holds `range.from`, the last `range.to`.
 */
export async function timeseriesQuery(src: QuerySource, range: TimeRange, q: DsQueryOf<'timeseries'>): Promise<DsFrame[]> {
  const step = bucketWidth(range, q.intervalMs);
  const start = Math.floor(range.from / step) * step;
  const n = Math.floor((range.to - start) / step) + 1;
  const time = { name: 'time', type: 'time' as const, values: Array.from({ length: n }, (_, k) => start + k * step) };
  const slot = (i: IncidentRecord) => Math.floor((i.detected_at - start) / step);
  const incidents = await incidentsInRange(src, range, { type: q.type, component: q.component });
  const meta = { type: 'timeseries-wide', custom: { intervalMs: step } };
  const metric = q.metric ?? 'count';

  if (metric === 'count') {
    const counts = new Map(SEVERITIES_WORST_FIRST.map((s) => [s, new Array<number>(n).fill(0)]));
    for (const i of incidents) {
      counts.get(i.severity)![slot(i)] += 1;
    }
    const fields = SEVERITIES_WORST_FIRST.map((s) => ({
      name: s,
      type: 'number' as const,
      values: counts.get(s)!,
      config: { color: { mode: 'fixed', fixedColor: SEVERITY_COLORS[s] } },
    }));
    return [frame(q.refId, 'incidents by severity', [time, ...fields], meta)];
  }

  const sums = new Array<number>(n).fill(0);
  const counts = new Array<number>(n).fill(0);
  for (const i of incidents) {
    const v = metric === 'mttd' ? mttd(i) : mttr(i);
    if (v !== null) {
      sums[slot(i)] += v;
      counts[slot(i)] += 1;
    }
  }
  const values = sums.map((sum, k) => (counts[k] ? round3(sum / counts[k]) : null));
  return [frame(q.refId, metric, [time, { name: metric, type: 'number', values, config: { unit: 's' } }], meta)];
}

/** The health a component's worst active incident leaves it in. */
export type ComponentStatus = 'Down' | 'Degraded' | 'Warning' | 'Healthy';

const HEALTH: Record<Severity, { status: ComponentStatus; health: number }> = {
  critical: { status: 'Down', health: 0 },
  high: { status: 'Degraded', health: 75 },
  medium: { status: 'Warning', health: 90 },
  low: { status: 'Warning', health: 90 },
};

/** The component status: by the worst severity among the active incidents that affect it. */
export function componentHealth(activeSeverities: readonly Severity[]): { status: ComponentStatus; health: number } {
  const worst = SEVERITIES_WORST_FIRST.find((s) => activeSeverities.includes(s));
  return worst ? HEALTH[worst] : { status: 'Healthy', health: 100 };
}

const STATUS_COLORS = { Down: 'red', Degraded: 'orange', Warning: 'yellow', Healthy: 'green' };

/**
 * The dashboard's "Component Status": a row per component affected by an incident detected in the
 * range, and per component an active incident affects now (an outage that began before the range
 * is still an outage). `incidents` counts the active ones, `total` those detected in the range.
 * Worst first, then by name.
 */
export async function componentsQuery(src: QuerySource, range: TimeRange, q: DsQueryOf<'components'>): Promise<DsFrame[]> {
  const [inRange, active] = await Promise.all([incidentsInRange(src, range), activeIncidents(src)]);
  const byName = new Map<string, { total: number; active: Severity[] }>();
  const entry = (c: string) => byName.get(c) ?? byName.set(c, { total: 0, active: [] }).get(c)!;
  for (const i of inRange) {
    i.affected_components.forEach((c) => (entry(c).total += 1));
  }
  for (const i of active) {
    i.affected_components.forEach((c) => entry(c).active.push(i.severity));
  }
  const rows = [...byName].map(([component, e]) => ({ component, ...componentHealth(e.active), incidents: e.active.length, total: e.total }));
  rows.sort((a, b) => a.health - b.health || b.incidents - a.incidents || a.component.localeCompare(b.component));
  const mappings = [{ type: 'value', options: Object.fromEntries(Object.entries(STATUS_COLORS).map(([k, color], index) => [k, { color, index }])) }];
  return [
    fromRows(q.refId, 'components', rows, [
      { name: 'component', type: 'string', get: (r) => r.component },
      { name: 'status', type: 'string', config: { mappings }, get: (r) => r.status },
      { name: 'incidents', type: 'number', get: (r) => r.incidents },
      { name: 'total', type: 'number', get: (r) => r.total },
      { name: 'health', type: 'number', config: { unit: 'percent', min: 0, max: 100 }, get: (r) => r.health },
    ]),
  ];
}

/**
 * Incidents as annotation regions: from detection to resolution, or while open to the end of the
 * range (or now, if sooner). The incidents detected in the range, plus those detected before it
 * and still open, whose regions reach into it. Tags are `[severity, incident_type]`.
 */
export async function annotationsQuery(src: QuerySource, range: TimeRange, q: DsQueryOf<'annotations'>): Promise<DsFrame[]> {
  const filters = { severity: q.severity, type: q.type, component: q.component };
  const [inRange, active] = await Promise.all([incidentsInRange(src, range, filters), activeIncidents(src, filters)]);
  const rows = [...active.filter((i) => i.detected_at < range.from), ...inRange].sort((a, b) => a.detected_at - b.detected_at);
  const openEnd = Math.min(range.to, src.now());
  return [
    fromRows(q.refId, 'incident annotations', rows, [
      { name: 'time', type: 'time', get: (i) => i.detected_at },
      { name: 'timeEnd', type: 'time', get: (i) => i.resolved_at ?? i.closed_at ?? Math.max(openEnd, i.detected_at) },
      { name: 'title', type: 'string', get: (i) => i.title },
      { name: 'text', type: 'string', get: annotationText },
      { name: 'tags', type: 'other', get: (i) => [i.severity, i.incident_type] },
      { name: 'id', type: 'string', get: (i) => i.incident_id },
      { name: 'color', type: 'string', get: (i) => SEVERITY_HEX[i.severity] },
    ]),
  ];
}

function annotationText(i: IncidentRecord): string {
  const components = i.affected_components.length ? i.affected_components.join(', ') : 'none';
  return `${i.incident_id}: ${i.severity} ${i.incident_type}, ${i.status}; components: ${components}`;
}
