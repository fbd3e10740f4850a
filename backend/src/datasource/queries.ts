import { mttd, mttr } from '../correlation/correlator';
import type { IncidentRecord } from '../domain/records';
import type { DsFrame, DsQueryOf, TimeRange } from './schema';
import { fromRows, type Column } from './frames';
import { round3 } from '../util/time';
import { activeIncidents, FETCH_CAP, incidentsInRange, SEVERITIES_WORST_FIRST, type QuerySource } from './source';

export { timeseriesQuery, componentsQuery, annotationsQuery } from './panels';

/**
 * One function per query type of `POST /api/v1/query` that reads rows (the aggregating ones are
 * in `panels.ts`). Each takes the narrow `QuerySource`, the range in epoch ms and its validated
 * query, and answers the frames of that query's refId.
 */

const SECONDS = { unit: 's' };

const INCIDENT_COLUMNS: Array<Column<IncidentRecord>> = [
  { name: 'detected_at', type: 'time', get: (i) => i.detected_at },
  { name: 'incident_id', type: 'string', get: (i) => i.incident_id },
  { name: 'title', type: 'string', get: (i) => i.title },
  { name: 'incident_type', type: 'string', get: (i) => i.incident_type },
  { name: 'severity', type: 'string', get: (i) => i.severity },
  { name: 'status', type: 'string', get: (i) => i.status },
  { name: 'affected_components', type: 'string', get: (i) => i.affected_components.join(',') },
  { name: 'event_count', type: 'number', get: (i) => i.event_count },
  { name: 'assigned_to', type: 'string', get: (i) => i.assigned_to },
  { name: 'mttd', type: 'number', config: SECONDS, get: (i) => round3(mttd(i)) },
  { name: 'mttr', type: 'number', config: SECONDS, get: (i) => (i.resolved_at === null ? null : round3(mttr(i)!)) },
  { name: 'resolved_at', type: 'time', get: (i) => i.resolved_at },
];

/**
 * The incidents table, newest first: those detected within the range, or with `status: 'active'`
 * every active incident, however long ago it was detected (an open incident is news whatever the range).
 */
export async function incidentsQuery(src: QuerySource, range: TimeRange, q: DsQueryOf<'incidents'>): Promise<DsFrame[]> {
  const filters = { severity: q.severity, type: q.type, component: q.component };
  const rows =
    q.status === 'active'
      ? (await activeIncidents(src, filters)).filter((i) => i.detected_at <= range.to)
      : await incidentsInRange(src, range, { ...filters, status: q.status });
  return [fromRows(q.refId, 'incidents', rows.slice(0, q.limit), INCIDENT_COLUMNS)];
}

/** One row of totals for stat panels, over incidents detected since `range.from`. */
export async function statsQuery(src: QuerySource, range: TimeRange, q: DsQueryOf<'stats'>): Promise<DsFrame[]> {
  const st = await src.stats(new Date(range.from).toISOString());
  const n = (name: keyof typeof st, config?: Record<string, unknown>) => ({ name, type: 'number' as const, config, get: () => st[name] });
  return [
    fromRows(q.refId, 'stats', [st], [
      n('total_incidents'),
      n('active_incidents'),
      n('resolved_incidents'),
      n('avg_mttd', SECONDS),
      n('avg_mttr', SECONDS),
      n('auto_resolved'),
      n('manual_resolved'),
    ]),
  ];
}

/** Stored events within the range, newest first, optionally of one source or type. */
export async function eventsQuery(src: QuerySource, range: TimeRange, q: DsQueryOf<'events'>): Promise<DsFrame[]> {
  const events = await src.listEvents({ since: range.from, source: q.source, event_type: q.event_type, limit: FETCH_CAP });
  const rows = events.filter((e) => e.ts <= range.to).slice(0, q.limit);
  return [
    fromRows(q.refId, 'events', rows, [
      { name: 'time', type: 'time', get: (e) => e.ts },
      { name: 'event_id', type: 'string', get: (e) => e.event_id },
      { name: 'event_type', type: 'string', get: (e) => e.event_type },
      { name: 'source', type: 'string', get: (e) => e.source },
      { name: 'severity', type: 'string', get: (e) => e.severity },
      { name: 'message', type: 'string', get: (e) => e.message },
      { name: 'correlation_id', type: 'string', get: (e) => e.correlation_id },
    ]),
  ];
}

/**
 * One incident's timeline in time order, whatever the range (an incident's story is shown whole).
 * An unknown incident throws the service's NotFoundError, which `runQueries` reports on this refId.
 */
export async function timelineQuery(src: QuerySource, _range: TimeRange, q: DsQueryOf<'timeline'>): Promise<DsFrame[]> {
  const entries = await src.timeline(q.incident_id, { limit: q.limit });
  return [
    fromRows(q.refId, `timeline ${q.incident_id}`, entries, [
      { name: 'time', type: 'time', get: (e) => Date.parse(e.at) },
      { name: 'kind', type: 'string', get: (e) => e.kind },
      { name: 'event_type', type: 'string', get: (e) => e.event_type },
      { name: 'source', type: 'string', get: (e) => e.source },
      { name: 'message', type: 'string', get: (e) => e.message },
      { name: 'actor', type: 'string', get: (e) => e.actor },
    ]),
  ];
}

/** The detection rules, as the rules table of a dashboard lists them. */
export async function rulesQuery(src: QuerySource, _range: TimeRange, q: DsQueryOf<'rules'>): Promise<DsFrame[]> {
  return [
    fromRows(q.refId, 'rules', src.rules(), [
      { name: 'rule_id', type: 'string', get: (r) => r.rule_id },
      { name: 'name', type: 'string', get: (r) => r.name },
      { name: 'incident_type', type: 'string', get: (r) => r.incident_type },
      { name: 'severity', type: 'string', get: (r) => r.severity },
      { name: 'error_threshold', type: 'number', get: (r) => r.error_threshold },
      { name: 'time_window_seconds', type: 'number', config: SECONDS, get: (r) => r.time_window_seconds },
      { name: 'enabled', type: 'boolean', get: (r) => r.enabled },
    ]),
  ];
}

/**
 * Options of a dashboard variable, as `text`/`value` rows: the components of the latest incidents
 * (not only the range's, so that a variable does not lose its value when the range moves), the
 * rules (name shown, id sent) or the severities worst first.
 */
export async function variablesQuery(src: QuerySource, _range: TimeRange, q: DsQueryOf<'variables'>): Promise<DsFrame[]> {
  let options: Array<{ text: string; value: string }>;
  if (q.variable === 'components') {
    const names = new Set((await src.listIncidents({ limit: FETCH_CAP })).flatMap((i) => i.affected_components));
    options = [...names].sort().map((c) => ({ text: c, value: c }));
  } else if (q.variable === 'rules') {
    options = src.rules().map((r) => ({ text: r.name, value: r.rule_id }));
  } else {
    options = SEVERITIES_WORST_FIRST.map((s) => ({ text: s, value: s }));
  }
  return [
    fromRows(q.refId, `variable ${q.variable}`, options, [
      { name: 'text', type: 'string', get: (o) => o.text },
      { name: 'value', type: 'string', get: (o) => o.value },
    ]),
  ];
}
