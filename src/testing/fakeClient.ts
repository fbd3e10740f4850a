import type { IncidentEventDto } from '@mahavishnu/wire/events';
import type { Incident, Stats, TimelineEntry } from '@mahavishnu/wire/incidents';
import type { ActionRun, RemediationAction } from '@mahavishnu/wire/remediation';
import type { DetectionRule, RuleTestResult } from '@mahavishnu/wire/rules';
import type { ActionApproval } from '@mahavishnu/wire/security';
import { ApiError, type IncidentDetail, type IncidentFilter, type IncidentsApi } from '../api/client';

/*
 * A hand-written, in-memory backend for the pages' tests: it keeps incidents, actions and rules, changes them
 * as the backend would, and records every call. `failNext` makes the next call of a method throw.
 */

const T0 = '2026-11-26T10:00:00.000Z';
const ACTOR = 'admin';

/** An incident as the API returns it, with `overrides`. */
export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    incident_id: 'inc_00001',
    incident_type: 'error_burst',
    severity: 'high',
    status: 'detected',
    title: 'Error Burst',
    description: '12 errors in 5 minutes',
    rule_id: 'error_burst',
    group_key: null,
    detected_at: T0,
    started_at: T0,
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    resolved_by: null,
    closed_at: null,
    closed_by: null,
    affected_components: ['api'],
    event_count: 12,
    assigned_to: null,
    mttd: 120,
    mttr: null,
    root_cause: null,
    notes: [],
    last_event_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

/** A remediation action, with `overrides`. */
export function makeAction(overrides: Partial<RemediationAction> = {}): RemediationAction {
  return {
    action_id: 'restart_service',
    title: 'Restart the service',
    description: 'Restarts the failing service',
    risk: 'low',
    approval: 'none',
    executor: 'http',
    automatic: false,
    state: 'recommended',
    runs: [],
    ...overrides,
  };
}

/** A finished run of an action, with `overrides`. */
export function makeRun(overrides: Partial<ActionRun> = {}): ActionRun {
  return {
    run_id: 'run_1',
    incident_id: 'inc_00001',
    action_id: 'restart_service',
    idempotency_key: 'key_1',
    trigger: 'manual',
    dry_run: false,
    status: 'succeeded',
    requested_by: ACTOR,
    approved_by: null,
    params: {},
    plan: null,
    detail: 'HTTP 200',
    output: null,
    queued_at: T0,
    started_at: T0,
    finished_at: T0,
    duration_ms: 12,
    verification: null,
    verify_until: null,
    ...overrides,
  };
}

/** A detection rule, with `overrides`. */
export function makeRule(overrides: Partial<DetectionRule> = {}): DetectionRule {
  return {
    rule_id: 'error_burst',
    name: 'Error burst',
    description: '',
    incident_type: 'error_burst',
    severity: 'high',
    error_threshold: 10,
    time_window_seconds: 300,
    check_interval_seconds: 60,
    require_consecutive: false,
    min_components_affected: 1,
    enabled: true,
    match: { event_types: ['error'] },
    group_by: [],
    auto_resolve: true,
    quiet_period_seconds: null,
    builtin: true,
    from_alert_labels: false,
    ...overrides,
  };
}

/** Statistics, with `overrides`. */
export function makeStats(overrides: Partial<Stats> = {}): Stats {
  return {
    total_incidents: 0,
    active_incidents: 0,
    resolved_incidents: 0,
    closed_incidents: 0,
    by_severity: { critical: 0, high: 0, medium: 0, low: 0 },
    by_type: {},
    by_status: {},
    avg_mttd: null,
    avg_mttr: null,
    auto_resolved: 0,
    manual_resolved: 0,
    since: null,
    ...overrides,
  };
}

const WHO = { none: 'nobody', responder: 'an on-call responder', lead: 'a team lead' } as const;
interface FakeData {
  incidents?: Incident[];
  actions?: Record<string, RemediationAction[]>;
  timelines?: Record<string, TimelineEntry[]>;
  postmortems?: Record<string, string>;
  rules?: DetectionRule[];
  events?: IncidentEventDto[];
  stats?: Stats;
}

export class FakeClient implements IncidentsApi {
  readonly calls: Array<{ method: keyof IncidentsApi; args: unknown[] }> = [];
  incidents: Incident[];
  actionsByIncident: Record<string, RemediationAction[]>;
  timelines: Record<string, TimelineEntry[]>;
  postmortems: Record<string, string>;
  rules: DetectionRule[];
  events: IncidentEventDto[];
  statistics: Stats;
  private readonly failures = new Map<keyof IncidentsApi, Error>();
  /** `incident/action` pairs approved and not yet run. */
  private readonly approved = new Set<string>();

  constructor(data: FakeData = {}) {
    this.incidents = data.incidents ?? [];
    this.actionsByIncident = data.actions ?? {};
    this.timelines = data.timelines ?? {};
    this.postmortems = data.postmortems ?? {};
    this.rules = data.rules ?? [];
    this.events = data.events ?? [];
    this.statistics = data.stats ?? makeStats();
  }

  /** The next call of `method` throws `err` instead of answering. */
  failNext(method: keyof IncidentsApi, err: Error): void {
    this.failures.set(method, err);
  }

  /** The arguments of each call of `method`, in order. */
  callsOf(method: keyof IncidentsApi): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  async listIncidents(f: IncidentFilter = {}): Promise<Incident[]> {
    this.record('listIncidents', f);
    return this.incidents.filter(
      (i) =>
        (!f.severity || i.severity === f.severity) &&
        (!f.type || i.incident_type === f.type) &&
        (!f.component || i.affected_components.includes(f.component)) &&
        (!f.status || (f.status === 'active' ? isActive(i) : i.status === f.status))
    );
  }

  async getIncident(id: string, include: Array<'timeline' | 'postmortem' | 'actions' | 'notifications'> = []) {
    this.record('getIncident', id, include);
    const incident: IncidentDetail = { ...this.incident(id) };
    if (include.includes('timeline')) {
      incident.timeline = this.timelines[id] ?? [];
    }
    if (include.includes('actions')) {
      incident.actions = this.actionsByIncident[id] ?? [];
    }
    if (include.includes('postmortem')) {
      incident.postmortem = this.postmortems[id] ?? `# Incident Post-Mortem: ${id}\n`;
    }
    return incident;
  }

  async acknowledge(id: string): Promise<Incident> {
    this.record('acknowledge', id);
    return this.change(id, { acknowledged_at: T0, acknowledged_by: ACTOR, status: 'assessing' }, 'Acknowledged');
  }

  async assign(id: string, assignee: string | null): Promise<Incident> {
    this.record('assign', id, assignee);
    return this.change(id, { assigned_to: assignee }, `Assigned to ${assignee}`);
  }

  async resolve(id: string, notes?: string): Promise<Incident> {
    this.record('resolve', id, notes);
    const incident = this.incident(id);
    const added = notes ? [{ at: T0, author: ACTOR, text: notes }] : [];
    return this.change(
      id,
      { status: 'resolved', resolved_at: T0, resolved_by: ACTOR, notes: [...incident.notes, ...added] },
      'Resolved'
    );
  }

  async close(id: string, notes?: string): Promise<Incident> {
    this.record('close', id, notes);
    if (this.incident(id).status !== 'resolved') {
      throw new ApiError(409, 'conflict', `incident ${id} is not resolved`);
    }
    return this.change(id, { status: 'closed', closed_at: T0, closed_by: ACTOR }, 'Closed');
  }

  async timeline(id: string): Promise<TimelineEntry[]> {
    this.record('timeline', id);
    return this.timelines[id] ?? [];
  }

  async actions(id: string): Promise<RemediationAction[]> {
    this.record('actions', id);
    return this.actionsByIncident[id] ?? [];
  }

  async runAction(
    id: string,
    actionId: string,
    body: { approved_by?: string; dry_run?: boolean; params?: Record<string, string> } = {}
  ): Promise<ActionRun> {
    this.record('runAction', id, actionId, body);
    const action = (this.actionsByIncident[id] ?? []).find((a) => a.action_id === actionId);
    if (!action) {
      throw new ApiError(404, 'not_found', `action ${actionId} not found`);
    }
    const approved = this.approved.delete(`${id}/${actionId}`);
    if (action.approval !== 'none' && !body.dry_run && !body.approved_by && !approved) {
      throw new ApiError(
        409,
        'approval_required',
        `${actionId} is ${action.risk} risk: it needs the approval of ${WHO[action.approval]}; pass approved_by`
      );
    }
    const n = action.runs.length + 1;
    const run = makeRun({
      run_id: `run_${n}`,
      incident_id: id,
      action_id: actionId,
      idempotency_key: `key_${n}`,
      dry_run: Boolean(body.dry_run),
      status: body.dry_run ? 'dry_run' : 'succeeded',
      approved_by: body.approved_by ?? null,
      params: body.params ?? {},
      detail: body.dry_run ? 'would POST http://service/restart' : 'HTTP 200',
    });
    this.actionsByIncident[id] = (this.actionsByIncident[id] ?? []).map((a) =>
      a.action_id === actionId ? { ...a, state: run.status, runs: [...a.runs, run] } : a
    );
    return run;
  }

  /** Approves like the backend without keys: the named approver, for one run, for 15 minutes. */
  async approveAction(id: string, actionId: string, body: { approved_by?: string } = {}): Promise<ActionApproval> {
    this.record('approveAction', id, actionId, body);
    const action = (this.actionsByIncident[id] ?? []).find((a) => a.action_id === actionId);
    if (!action) {
      throw new ApiError(404, 'not_found', `action ${actionId} not found`);
    }
    if (!body.approved_by) {
      throw new ApiError(400, 'invalid_request', 'approved_by: name who approves');
    }
    this.approved.add(`${id}/${actionId}`);
    return {
      approval_id: 'apr_1',
      incident_id: id,
      action_id: actionId,
      approved_by: body.approved_by,
      role: null,
      created_at: T0,
      expires_at: '2026-11-26T10:15:00.000Z',
      used_by_run: null,
    };
  }

  async stats(since?: string): Promise<Stats> {
    this.record('stats', since);
    return this.statistics;
  }

  async listRules(enabled?: boolean): Promise<DetectionRule[]> {
    this.record('listRules', enabled);
    return this.rules.filter((r) => enabled === undefined || r.enabled === enabled);
  }

  async createRule(body: Parameters<IncidentsApi['createRule']>[0]): Promise<DetectionRule> {
    this.record('createRule', body);
    if (this.rules.some((r) => r.rule_id === body.rule_id)) {
      throw new ApiError(409, 'conflict', `rule ${body.rule_id} exists`);
    }
    const rule = makeRule({ ...(body as Partial<DetectionRule>), builtin: false });
    this.rules = [...this.rules, rule];
    return rule;
  }

  async updateRule(id: string, body: Parameters<IncidentsApi['updateRule']>[1]): Promise<DetectionRule> {
    this.record('updateRule', id, body);
    return this.changeRule(id, body as Partial<DetectionRule>);
  }

  async setRuleEnabled(id: string, enabled: boolean): Promise<DetectionRule> {
    this.record('setRuleEnabled', id, enabled);
    return this.changeRule(id, { enabled });
  }

  async testRule(id: string, events: unknown[], dryRun = true): Promise<RuleTestResult> {
    this.record('testRule', id, events, dryRun);
    return { rule_id: id, events_evaluated: events.length, events_matched: events.length, incidents: [] };
  }

  async listEvents(q: { since?: string; limit?: number } = {}): Promise<IncidentEventDto[]> {
    this.record('listEvents', q);
    return this.events;
  }

  private record(method: keyof IncidentsApi, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private incident(id: string): Incident {
    const incident = this.incidents.find((i) => i.incident_id === id);
    if (!incident) {
      throw new ApiError(404, 'not_found', `incident ${id} not found`);
    }
    return incident;
  }

  private change(id: string, patch: Partial<Incident>, message: string): Incident {
    const changed = { ...this.incident(id), ...patch, updated_at: T0 };
    this.incidents = this.incidents.map((i) => (i.incident_id === id ? changed : i));
    const entry: TimelineEntry = {
      at: T0,
      kind: 'lifecycle',
      event_type: message.toLowerCase().split(' ')[0],
      source: 'system',
      message,
      actor: ACTOR,
      severity: null,
      event_id: null,
      data: null,
    };
    this.timelines[id] = [...(this.timelines[id] ?? []), entry];
    return changed;
  }

  private changeRule(id: string, patch: Partial<DetectionRule>): DetectionRule {
    const rule = this.rules.find((r) => r.rule_id === id);
    if (!rule) {
      throw new ApiError(404, 'not_found', `rule ${id} not found`);
    }
    const changed = { ...rule, ...patch };
    this.rules = this.rules.map((r) => (r.rule_id === id ? changed : r));
    return changed;
  }
}

function isActive(i: Incident): boolean {
  return i.status !== 'resolved' && i.status !== 'closed';
}
