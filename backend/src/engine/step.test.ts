import pino from 'pino';
import type { ActionRunRecord, IncidentRecord, StoredEvent } from '../domain/records';
import { DetectionRuleSchema, type DetectionRule } from '../schema/rules';
import type { IncidentType } from '../schema/enums';
import { ManualClock } from '../util/clock';
import { IncidentResponseWorkflow } from '../workflow/workflow';
import type { WorkflowRecommendation, WorkflowResponder, WorkflowStore } from '../workflow/ports';
import { Changes } from './changes';
import { EngineState } from './engine-state';
import { EscalationJudge } from './escalation-judge';
import { EventStep } from './event-step';
import type { EventLookup } from './ports';
import { RecentEvents } from './recent-events';
import { TimeSweep } from './time-sweep';

/**
 * The engine's core without I/O: the event step, the escalation judge, the time sweep and the
 * workflow, over in-memory ports and a manual clock. What the core decides shows in the changes a
 * step would commit.
 */

const T0 = Date.parse('2026-06-01T12:00:00Z');

/** The event log, the runs and a responder offering one safe action, all in memory. */
class InMemoryPorts implements EventLookup, WorkflowStore {
  readonly log: StoredEvent[] = [];
  readonly runs: ActionRunRecord[] = [];
  readonly responder: WorkflowResponder;

  constructor(recommendations: WorkflowRecommendation[] = []) {
    this.responder = {
      config: { verify_seconds: 300, verify_ratio: 0.5 },
      recommend: (_type: IncidentType) => recommendations,
      newRun: (init) => ({ ...init, run_id: `run_${this.runs.length + 1}`, idempotency_key: init.idempotency_key ?? '', status: 'queued', plan: null, detail: null, output: null, queued_at: init.now, started_at: null, finished_at: null, duration_ms: null, verification: null, verify_until: null }),
    };
  }

  append(e: Omit<StoredEvent, 'seq'>): StoredEvent {
    const stored = { ...e, seq: this.log.length + 1 };
    this.log.push(stored);
    return stored;
  }

  async bySeqs(seqs: number[]): Promise<StoredEvent[]> {
    return this.log.filter((e) => seqs.includes(e.seq));
  }
  async correlated(ids: string[], minTs: number, beforeSeq: number): Promise<StoredEvent[]> {
    return this.log.filter((e) => e.correlation_id !== null && ids.includes(e.correlation_id) && e.ts >= minTs && e.seq < beforeSeq);
  }
  readonly events = {
    fromSources: async (sources: string[], from: number, to: number, limit: number) => this.log.filter((e) => sources.includes(e.source) && e.ts >= from && e.ts < to).slice(0, limit),
    countOfIncident: async () => 0,
  };
  readonly actions = {
    ofIncident: async (id: string) => this.runs.filter((r) => r.incident_id === id),
    withStatus: async () => [],
    pendingVerification: async () => [],
    countSince: async (actionId: string, since: number) => {
      const runs = this.runs.filter((r) => r.action_id === actionId && r.queued_at >= since);
      return { count: runs.length, oldest: runs.length ? Math.min(...runs.map((r) => r.queued_at)) : null };
    },
  };
}

function rule(patch: Record<string, unknown> = {}): DetectionRule {
  return DetectionRuleSchema.parse({
    rule_id: 'burst',
    name: 'Error burst',
    incident_type: 'error_burst',
    severity: 'high',
    error_threshold: 10,
    time_window_seconds: 300,
    check_interval_seconds: 60,
    match: { event_types: ['*error'] },
    escalations: [],
    builtin: false,
    from_alert_labels: false,
    ...patch,
  });
}

/** The core wired as the engine wires it, with a step function shaped like the engine's. */
function core(rules: DetectionRule[], recommendations: WorkflowRecommendation[] = []) {
  const clock = new ManualClock(T0);
  const ports = new InMemoryPorts(recommendations);
  const state = new EngineState({ retentionSeconds: 3600, maxEvents: 100_000 });
  state.reset(rules);
  const recent = new RecentEvents(ports, pino({ level: 'silent' }));
  const workflow = new IncidentResponseWorkflow(ports.responder, ports, {
    deactivate: (inc, changes) => state.deactivate(inc, changes),
    active: (id) => state.active.get(id),
  });
  const opened: string[] = [];
  const step = new EventStep(state, recent, workflow, { incidentsCreated: { inc: ({ incident_type }) => opened.push(incident_type) } }, {});
  const judge = new EscalationJudge(state, recent, 1800);
  const sweep = new TimeSweep(state, workflow, judge);
  return {
    clock,
    ports,
    state,
    opened,
    /** One request: its events appended to the log, then processed in log order. */
    async request(events: Array<Partial<StoredEvent> & { at: number }>): Promise<Changes> {
      const changes = new Changes();
      const now = clock.now();
      const stored = events.map(({ at, ...e }) =>
        ports.append({ event_id: `ev${ports.log.length + 1}`, event_type: 'api_error', source: 'api', severity: 'high', message: 'boom', metadata: {}, correlation_id: null, received_at: now, ts: T0 + at * 1000, ...e })
      );
      for (const e of stored) {
        recent.remember(e);
        await step.event(e, changes, now);
      }
      await judge.judgeStep(changes, now);
      state.refreshRootCauses();
      for (const inc of changes.createdIncidents) {
        await workflow.assessed(inc, changes, now);
      }
      return changes;
    },
    async sweep(): Promise<Changes> {
      const changes = new Changes();
      await sweep.run(rules, changes, clock.now());
      return changes;
    },
  };
}

const errors = (n: number, from: number, step: number, patch: Partial<StoredEvent> = {}) => Array.from({ length: n }, (_, i) => ({ at: from + i * step, ...patch }));

function only(changes: Changes): IncidentRecord {
  expect(changes.createdIncidents).toHaveLength(1);
  return changes.createdIncidents[0];
}

describe('the engine core, without I/O', () => {
  it('opens one incident for ten errors sent newest first, holding all ten, with its root cause', async () => {
    const c = core([rule()]);
    c.clock.set(T0 + 100_000);
    const changes = await c.request(errors(10, 0, 9).reverse());
    const inc = only(changes);
    expect(inc).toMatchObject({ incident_type: 'error_burst', severity: 'high', status: 'investigating', event_count: 10, started_at: T0, affected_components: ['api'] });
    expect(inc.root_cause).toMatchObject({ primary_error_type: 'api_error', primary_source: 'api' });
    expect(changes.writes().attachments).toEqual([[inc.incident_id, expect.arrayContaining([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]]);
    // Detected, assessed, and with no safe action to run, investigated with its checklist.
    expect(changes.writes().entries.map((e) => [e.entry_type, (e.data as { to?: string } | null)?.to])).toEqual([
      ['detected', undefined],
      ['status_changed', 'assessing'],
      ['status_changed', 'investigating'],
      ['checklist', undefined],
    ]);
    expect(changes.notices.map((n) => n.kind)).toEqual(['incident_created']);
    expect(c.opened).toEqual(['error_burst']);
  });

  it('opens nothing at nine errors, and the tenth, late, opens the incident at the earlier window', async () => {
    const c = core([rule()]);
    c.clock.set(T0 + 600_000);
    expect((await c.request(errors(9, 100, 10))).createdIncidents).toEqual([]);
    const inc = only(await c.request([{ at: 50 }]));
    expect(inc).toMatchObject({ event_count: 10, started_at: T0 + 50_000 });
  });

  it('joins an event of another source to the incident by its correlation id', async () => {
    const c = core([rule()]);
    c.clock.set(T0 + 100_000);
    const inc = only(await c.request(errors(10, 0, 5, { correlation_id: 'req-1' })));
    const changes = await c.request([{ at: 60, event_type: 'cache_miss', source: 'redis', severity: 'low', correlation_id: 'req-1' }]);
    expect(changes.writes().entries).toEqual([expect.objectContaining({ incident_id: inc.incident_id, entry_type: 'correlated' })]);
    expect(c.state.active.get(inc.incident_id)?.affected_components).toEqual(['api', 'redis']);
  });

  it('raises the severity by the rule escalation an event meets, once, and tells people', async () => {
    const c = core([rule({ escalations: [{ to: 'critical', when: 'event.metadata.critical == "yes"' }] })]);
    c.clock.set(T0 + 100_000);
    const inc = only(await c.request(errors(10, 0, 5)));
    const changes = await c.request([{ at: 70, metadata: { critical: 'yes' } }, { at: 71, metadata: { critical: 'yes' } }]);
    expect(c.state.active.get(inc.incident_id)?.severity).toBe('critical');
    expect(changes.notices.map((n) => [n.kind, n.details])).toEqual([['severity_changed', { from: 'high', to: 'critical', reason: 'event.metadata.critical == "yes"' }]]);
  });

  it('runs the safe action on its own (containment) within its hourly budget', async () => {
    const clearCache: WorkflowRecommendation = { action: { id: 'clear_cache', title: 'Clear cache', risk: 'low' }, approval: 'none', executorKind: 'http', automatic: true, maxRunsPerHour: 1 };
    const c = core([rule()], [clearCache]);
    c.clock.set(T0 + 100_000);
    const changes = await c.request(errors(10, 0, 5));
    const inc = only(changes);
    expect(inc.status).toBe('containing');
    expect(changes.newRuns.map((r) => [r.action_id, r.trigger])).toEqual([['clear_cache', 'auto']]);
    c.ports.runs.push(...changes.newRuns);
    // The budget of one run an hour is used: the next incident is not contained by it.
    c.state.deactivate(c.state.active.get(inc.incident_id)!, new Changes());
    const next = await c.request(errors(10, 40, 1));
    expect(only(next).status).toBe('investigating');
    expect(next.writes().entries.map((e) => e.entry_type)).toContain('action_skipped');
  });

  it('moves a quiet incident to recovering at the sweep, and back when a matching event arrives', async () => {
    const c = core([rule()]);
    c.clock.set(T0 + 100_000);
    const inc = only(await c.request(errors(10, 0, 5)));
    c.clock.set(T0 + 45_000 + 300_000);
    await c.sweep();
    expect(c.state.active.get(inc.incident_id)?.status).toBe('recovering');
    await c.request([{ at: 350 }]);
    expect(c.state.active.get(inc.incident_id)?.status).toBe('investigating');
  });
});
