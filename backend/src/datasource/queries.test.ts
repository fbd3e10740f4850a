import type { IncidentRecord, StoredEvent } from '../domain/records';
import { blankIncident } from '../engine/incident-records';
import { ACTIVE_STATUSES } from '../schema/enums';
import type { DetectionRule } from '../schema/rules';
import { NotFoundError } from '../util/errors';
import { rowsOf } from './frames';
import { bucketWidth, componentHealth } from './panels';
import { runQueries } from './run';
import { DsQueryRequestSchema, type DsFrame, type DsQuery } from './schema';
import type { QuerySource } from './source';

const T0 = Date.parse('2026-11-26T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

function incident(p: Partial<IncidentRecord> & { incident_id: string; detected_at: number }): IncidentRecord {
  return blankIncident({
    incident_type: 'error_burst',
    severity: 'high',
    title: `Incident ${p.incident_id}`,
    description: '',
    started_at: p.detected_at - 30_000,
    affected_components: ['api'],
    event_count: 5,
    updated_at: p.detected_at,
    ...p,
  });
}

function event(id: string, ts: number, p: Partial<StoredEvent> = {}): StoredEvent {
  return { seq: ts, event_id: id, ts, received_at: ts, event_type: 'error', source: 'api', severity: 'high', message: `msg ${id}`, metadata: {}, correlation_id: null, ...p };
}

const RULE = { rule_id: 'r1', name: 'Error burst', incident_type: 'error_burst', severity: 'high', error_threshold: 10, time_window_seconds: 60, enabled: true } as DetectionRule;

/** A fake of the reading interface that filters as the store does: newest first, `since` and `limit`. */
function fakeSource(incidents: IncidentRecord[], events: StoredEvent[] = [], now = T0 + 24 * HOUR): QuerySource {
  return {
    async listIncidents(q) {
      const since = q.since === undefined ? -Infinity : Date.parse(q.since);
      const statuses = q.status === 'active' ? ACTIVE_STATUSES : q.status ? [q.status] : undefined;
      return incidents
        .filter((i) => i.detected_at >= since && (!statuses || statuses.includes(i.status)))
        .filter((i) => (!q.severity || i.severity === q.severity) && (!q.type || i.incident_type === q.type))
        .filter((i) => !q.component || i.affected_components.includes(q.component))
        .sort((a, b) => b.detected_at - a.detected_at)
        .slice(0, q.limit);
    },
    async stats(since) {
      const n = incidents.filter((i) => i.detected_at >= Date.parse(since!)).length;
      return { total_incidents: n, active_incidents: 1, resolved_incidents: 2, closed_incidents: 0, by_severity: {}, by_type: {}, by_status: {}, avg_mttd: 30, avg_mttr: null, auto_resolved: 1, manual_resolved: 1, since: since! };
    },
    async listEvents(q) {
      return events
        .filter((e) => e.ts >= (q.since ?? -Infinity) && (!q.source || e.source === q.source) && (!q.event_type || e.event_type === q.event_type))
        .sort((a, b) => b.ts - a.ts)
        .slice(0, q.limit);
    },
    async timeline(id) {
      if (!incidents.some((i) => i.incident_id === id)) {
        throw new NotFoundError(`incident ${id} not found`);
      }
      return [
        { at: new Date(T0).toISOString(), kind: 'lifecycle', event_type: 'detected', source: 'mahavishnu', message: 'Detected', actor: null, severity: null, event_id: null, data: null },
        { at: new Date(T0 + MIN).toISOString(), kind: 'lifecycle', event_type: 'acknowledged', source: 'mahavishnu', message: 'Ack', actor: 'jane', severity: null, event_id: null, data: null },
      ];
    },
    rules: () => [RULE],
    now: () => now,
  };
}

/** Validates a request as the route does and runs it. */
async function run(src: QuerySource, from: unknown, to: unknown, ...queries: Array<Partial<DsQuery> & Record<string, unknown>>) {
  const req = DsQueryRequestSchema.parse({ range: { from, to }, queries: queries.map((q, k) => ({ refId: String.fromCharCode(65 + k), ...q })) });
  return runQueries(src, req);
}

async function one(src: QuerySource, q: Record<string, unknown>, from: unknown = T0, to: unknown = T0 + HOUR): Promise<DsFrame> {
  const res = await run(src, from, to, q);
  expect(res.results.A.error).toBeUndefined();
  expect(res.results.A.frames).toHaveLength(1);
  return res.results.A.frames[0];
}

const fieldsOf = (f: DsFrame) => f.schema.fields.map((x) => `${x.name}:${x.type}`);

const DATA = [
  incident({ incident_id: 'INC-before', detected_at: T0 - HOUR, severity: 'critical', affected_components: ['db'] }),
  incident({ incident_id: 'INC-1', detected_at: T0 + 5 * MIN, severity: 'critical', status: 'resolved', resolved_at: T0 + 20 * MIN, affected_components: ['api', 'db'] }),
  incident({ incident_id: 'INC-2', detected_at: T0 + 7 * MIN, severity: 'high', affected_components: ['api'] }),
  incident({ incident_id: 'INC-3', detected_at: T0 + 40 * MIN, severity: 'medium', affected_components: ['cache'] }),
  incident({ incident_id: 'INC-4', detected_at: T0 + 41 * MIN, severity: 'low', status: 'closed', resolved_at: T0 + 50 * MIN, closed_at: T0 + 55 * MIN, affected_components: ['web'] }),
  incident({ incident_id: 'INC-after', detected_at: T0 + 2 * HOUR, severity: 'high', affected_components: ['queue'] }),
];

describe('request schema', () => {
  it('reads ISO strings, epoch ms and strings of digits alike', () => {
    for (const [from, to] of [[new Date(T0).toISOString(), new Date(T0 + HOUR).toISOString()], [T0, T0 + HOUR], [String(T0), String(T0 + HOUR)]]) {
      const r = DsQueryRequestSchema.parse({ range: { from, to, raw: { from: 'now-1h', to: 'now' } }, queries: [{ refId: 'A', queryType: 'stats' }] });
      expect(r.range).toEqual({ from: T0, to: T0 + HOUR });
    }
  });

  it('names the failing field: unknown queryType, missing incident_id, duplicate refId', () => {
    const paths = (body: unknown) => DsQueryRequestSchema.safeParse(body).error!.issues.map((i) => i.path.join('.'));
    const range = { from: T0, to: T0 + HOUR };
    expect(paths({ range, queries: [{ refId: 'A', queryType: 'stats' }, { refId: 'B', queryType: 'nope' }] })).toEqual(['queries.1.queryType']);
    expect(paths({ range, queries: [{ refId: 'A', queryType: 'timeline' }] })).toEqual(['queries.0.incident_id']);
    expect(paths({ range, queries: [{ refId: 'A', queryType: 'timeline', incident_id: '' }] })).toEqual(['queries.0.incident_id']);
    expect(paths({ range, queries: [{ refId: 'A', queryType: 'rules' }, { refId: 'A', queryType: 'stats' }] })).toEqual(['queries.1.refId']);
    expect(paths({ range: { from: T0 + 1, to: T0 }, queries: [{ refId: 'A', queryType: 'rules' }] })).toEqual(['range.to']);
  });

  it("takes Grafana's empty editor fields as unset and keeps its extra keys out", () => {
    const r = DsQueryRequestSchema.parse({
      range: { from: T0, to: T0 + HOUR },
      queries: [{ refId: 'A', queryType: 'incidents', severity: '', status: 'Active', limit: '', datasource: { uid: 'x' }, hide: false }],
    });
    expect(r.queries[0]).toEqual({ refId: 'A', queryType: 'incidents', status: 'active', limit: 100 });
  });
});

describe('incidents', () => {
  it('lists the incidents detected within the range, newest first, as table columns', async () => {
    const f = await one(fakeSource(DATA), { queryType: 'incidents' });
    expect(f.schema.refId).toBe('A');
    expect(fieldsOf(f)).toEqual([
      'detected_at:time', 'incident_id:string', 'title:string', 'incident_type:string', 'severity:string', 'status:string',
      'affected_components:string', 'event_count:number', 'assigned_to:string', 'mttd:number', 'mttr:number', 'resolved_at:time',
    ]);
    const rows = rowsOf(f);
    expect(rows.map((r) => r.incident_id)).toEqual(['INC-4', 'INC-3', 'INC-2', 'INC-1']);
    expect(rows[3]).toMatchObject({ detected_at: T0 + 5 * MIN, affected_components: 'api,db', mttd: 30, mttr: 900, resolved_at: T0 + 20 * MIN });
    expect(rows[2]).toMatchObject({ mttr: null, resolved_at: null });
  });

  it('with status=active lists every active incident, also those detected before the range', async () => {
    const rows = rowsOf(await one(fakeSource(DATA), { queryType: 'incidents', status: 'active' }));
    expect(rows.map((r) => r.incident_id)).toEqual(['INC-3', 'INC-2', 'INC-before']);
  });

  it('filters by severity and component and honours limit', async () => {
    expect(rowsOf(await one(fakeSource(DATA), { queryType: 'incidents', component: 'api' })).map((r) => r.incident_id)).toEqual(['INC-2', 'INC-1']);
    expect(rowsOf(await one(fakeSource(DATA), { queryType: 'incidents', severity: 'CRITICAL' })).map((r) => r.incident_id)).toEqual(['INC-1']);
    expect(rowsOf(await one(fakeSource(DATA), { queryType: 'incidents', limit: 1 })).map((r) => r.incident_id)).toEqual(['INC-4']);
  });
});

describe('stats', () => {
  it('answers one row of numbers since range.from', async () => {
    const f = await one(fakeSource(DATA), { queryType: 'stats' });
    expect(fieldsOf(f)).toEqual(['total_incidents', 'active_incidents', 'resolved_incidents', 'avg_mttd', 'avg_mttr', 'auto_resolved', 'manual_resolved'].map((n) => `${n}:number`));
    expect(rowsOf(f)).toEqual([{ total_incidents: 5, active_incidents: 1, resolved_incidents: 2, avg_mttd: 30, avg_mttr: null, auto_resolved: 1, manual_resolved: 1 }]);
  });
});

describe('timeseries', () => {
  it('counts incidents by severity in buckets of intervalMs, zero where none', async () => {
    const f = await one(fakeSource(DATA), { queryType: 'timeseries', intervalMs: 10 * MIN });
    expect(fieldsOf(f)).toEqual(['time:time', 'critical:number', 'high:number', 'medium:number', 'low:number']);
    expect(f.schema.meta).toMatchObject({ type: 'timeseries-wide', custom: { intervalMs: 10 * MIN } });
    const byTime = rowsOf(f);
    expect(byTime.map((r) => r.time)).toEqual([0, 1, 2, 3, 4, 5, 6].map((k) => T0 + k * 10 * MIN));
    expect(byTime.map((r) => [r.critical, r.high, r.medium, r.low])).toEqual([[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]]);
  });

  it('defaults to the range / 50 rounded to a minute, at least a minute, and caps the bucket count', () => {
    expect(bucketWidth({ from: T0, to: T0 + HOUR })).toBe(MIN);
    expect(bucketWidth({ from: T0, to: T0 + 24 * HOUR })).toBe(29 * MIN);
    expect(bucketWidth({ from: T0, to: T0 + HOUR }, 15_000)).toBe(15_000);
    expect(bucketWidth({ from: T0, to: T0 + 24 * HOUR }, 15_000)).toBe(MIN);
    expect(bucketWidth({ from: T0, to: T0 + 30 * 24 * HOUR }, 1000)).toBe(22 * MIN);
  });

  it('averages MTTR per bucket, null where no resolved incident', async () => {
    const f = await one(fakeSource(DATA), { queryType: 'timeseries', intervalMs: 30 * MIN, metric: 'mttr' });
    expect(fieldsOf(f)).toEqual(['time:time', 'mttr:number']);
    expect(rowsOf(f)).toEqual([{ time: T0, mttr: 900 }, { time: T0 + 30 * MIN, mttr: 540 }, { time: T0 + HOUR, mttr: null }]);
    const mttd = rowsOf(await one(fakeSource(DATA), { queryType: 'timeseries', intervalMs: 30 * MIN, metric: 'mttd' }));
    expect(mttd.map((r) => r.mttd)).toEqual([30, 30, null]);
  });
});

describe('events', () => {
  it('lists the events within the range, newest first, with source and type filters', async () => {
    const events = [event('e0', T0 - MIN), event('e1', T0 + MIN), event('e2', T0 + 2 * MIN, { source: 'db', correlation_id: 'c1' }), event('e3', T0 + 2 * HOUR)];
    const f = await one(fakeSource([], events), { queryType: 'events' });
    expect(fieldsOf(f)).toEqual(['time:time', 'event_id:string', 'event_type:string', 'source:string', 'severity:string', 'message:string', 'correlation_id:string']);
    expect(rowsOf(f).map((r) => r.event_id)).toEqual(['e2', 'e1']);
    expect(rowsOf(await one(fakeSource([], events), { queryType: 'events', source: 'db' }))).toEqual([
      { time: T0 + 2 * MIN, event_id: 'e2', event_type: 'error', source: 'db', severity: 'high', message: 'msg e2', correlation_id: 'c1' },
    ]);
  });
});

describe('timeline', () => {
  it("answers an incident's entries with epoch-ms times", async () => {
    const f = await one(fakeSource(DATA), { queryType: 'timeline', incident_id: 'INC-1' });
    expect(fieldsOf(f)).toEqual(['time:time', 'kind:string', 'event_type:string', 'source:string', 'message:string', 'actor:string']);
    expect(rowsOf(f)[1]).toEqual({ time: T0 + MIN, kind: 'lifecycle', event_type: 'acknowledged', source: 'mahavishnu', message: 'Ack', actor: 'jane' });
  });

  it('reports an unknown incident on its own refId while the other queries answer', async () => {
    const res = await run(fakeSource(DATA), T0, T0 + HOUR, { queryType: 'timeline', incident_id: 'INC-nope' }, { queryType: 'rules' });
    expect(res.results.A).toEqual({ error: 'incident INC-nope not found', status: 404, frames: [] });
    expect(res.results.B.frames).toHaveLength(1);
  });
});

describe('rules and variables', () => {
  it('lists the rules with enabled as a boolean', async () => {
    const f = await one(fakeSource(DATA), { queryType: 'rules' });
    expect(f.schema.fields.find((x) => x.name === 'enabled')!.type).toBe('boolean');
    expect(rowsOf(f)).toEqual([{ rule_id: 'r1', name: 'Error burst', incident_type: 'error_burst', severity: 'high', error_threshold: 10, time_window_seconds: 60, enabled: true }]);
  });

  it('answers text/value options for components, rules and severities', async () => {
    const opts = async (variable: string) => rowsOf(await one(fakeSource(DATA), { queryType: 'variables', variable }));
    expect((await opts('components')).map((o) => o.value)).toEqual(['api', 'cache', 'db', 'queue', 'web']);
    expect(await opts('rules')).toEqual([{ text: 'Error burst', value: 'r1' }]);
    expect((await opts('severities')).map((o) => o.text)).toEqual(['critical', 'high', 'medium', 'low']);
  });
});

describe('components', () => {
  it('applies the health rules: Down 0, Degraded 75, Warning 90, Healthy 100', () => {
    expect(componentHealth(['low', 'critical', 'high'])).toEqual({ status: 'Down', health: 0 });
    expect(componentHealth(['medium', 'high'])).toEqual({ status: 'Degraded', health: 75 });
    expect(componentHealth(['low'])).toEqual({ status: 'Warning', health: 90 });
    expect(componentHealth([])).toEqual({ status: 'Healthy', health: 100 });
  });

  it('answers a row per component, worst first, counting active and in-range incidents', async () => {
    const f = await one(fakeSource(DATA), { queryType: 'components' });
    expect(fieldsOf(f)).toEqual(['component:string', 'status:string', 'incidents:number', 'total:number', 'health:number']);
    expect(rowsOf(f)).toEqual([
      // db: INC-1 (resolved, in range) and INC-before (critical, still active, detected before the range).
      { component: 'db', status: 'Down', incidents: 1, total: 1, health: 0 },
      { component: 'api', status: 'Degraded', incidents: 1, total: 2, health: 75 },
      // queue's incident is after the range but active: the status is of now, with nothing in range.
      { component: 'queue', status: 'Degraded', incidents: 1, total: 0, health: 75 },
      { component: 'cache', status: 'Warning', incidents: 1, total: 1, health: 90 },
      { component: 'web', status: 'Healthy', incidents: 0, total: 1, health: 100 },
    ]);
  });
});

describe('annotations', () => {
  it('answers regions from detection to resolution, or to range.to while open', async () => {
    const f = await one(fakeSource(DATA), { queryType: 'annotations' });
    expect(fieldsOf(f)).toEqual(['time:time', 'timeEnd:time', 'title:string', 'text:string', 'tags:other', 'id:string', 'color:string']);
    const rows = rowsOf(f);
    expect(rows.map((r) => [r.id, r.time, r.timeEnd])).toEqual([
      ['INC-before', T0 - HOUR, T0 + HOUR],
      ['INC-1', T0 + 5 * MIN, T0 + 20 * MIN],
      ['INC-2', T0 + 7 * MIN, T0 + HOUR],
      ['INC-3', T0 + 40 * MIN, T0 + HOUR],
      ['INC-4', T0 + 41 * MIN, T0 + 50 * MIN],
    ]);
    expect(rows[1]).toMatchObject({ title: 'Incident INC-1', tags: ['critical', 'error_burst'], text: 'INC-1: critical error_burst, resolved; components: api, db' });
  });

  it('ends open regions at now when the range reaches past it, and filters', async () => {
    const src = fakeSource(DATA, [], T0 + 30 * MIN);
    const rows = rowsOf(await one(src, { queryType: 'annotations', severity: 'high' }, new Date(T0).toISOString(), String(T0 + HOUR)));
    expect(rows.map((r) => [r.id, r.timeEnd])).toEqual([['INC-2', T0 + 30 * MIN]]);
  });
});
