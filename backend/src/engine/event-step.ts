import { type Detection } from '../detection/detector';
import { groupKeyOf } from '../detection/matcher';
import { TimeWindow } from '../detection/window';
import type { IncidentRecord, StoredEvent } from '../domain/records';
import { INCIDENT_TYPE_NAMES, type IncidentType, type Severity } from '../schema/enums';
import type { IncidentResponseWorkflow } from '../workflow/workflow';
import type { Changes } from './changes';
import type { EngineState } from './engine-state';
import { alertTitle, alertType, blankIncident, distinct, entry, minuteOf, trackAlert } from './incident-records';
import type { StepMetrics } from './ports';
import type { CorrelatedRange, RecentEvents } from './recent-events';

/**
 * What one event does to incidents, in the order of the log: it opens incidents where a rule
 * group crosses, makes active incidents hold it (and what a late event's earlier window adds),
 * joins incidents by correlation id, and resolves the incidents whose alerts are all resolved.
 * The rules are those of docs/detection.md; escalations are judged after the step
 * (escalation-judge.ts).
 */
export class EventStep {
  constructor(
    private readonly state: EngineState,
    private readonly recent: RecentEvents,
    private readonly workflow: IncidentResponseWorkflow,
    private readonly metrics: StepMetrics,
    private readonly alertnameTypes: Record<string, IncidentType>
  ) {}

  /** Processes one event of the log (already remembered by `recent`). */
  async event(e: StoredEvent, changes: Changes, now: number): Promise<void> {
    this.state.position = e.seq;
    const detections = this.state.detector.observe(e, true);
    // Most events open nothing and join nothing.
    if (detections.length > 0 || e.correlation_id !== null) {
      await this.openAndAttach(e, detections, changes, now);
    }
    if (e.event_type === 'alert_resolved') {
      this.alertResolved(e, changes, now);
    }
  }

  /**
   * What the event's detections and correlation id do: open incidents, make active ones hold more
   * events (the event, and what a late event's earlier window adds), and join the event, and the
   * earlier events a newly held correlation id names, to the incidents that hold their id.
   */
  private async openAndAttach(e: StoredEvent, detections: Detection[], changes: Changes, now: number): Promise<void> {
    const holders = new Set<string>();
    for (const d of detections) {
      if (d.kind === 'counted') {
        this.state.pendingEscalations.windowGrew(d.incidentId, e.ts, d.rule.time_window_seconds * 1000);
        continue;
      }
      // The event itself is at hand; a crossing's other events come from memory or the store.
      const held = d.held.length === 1 && d.held[0].seq === e.seq ? [e] : await this.recent.of(d.held);
      const inc = d.kind === 'open' ? this.open(d, e, changes, now) : this.state.active.get(d.incidentId);
      if (!inc) {
        continue;
      }
      holders.add(inc.incident_id);
      const crossedBefore = d.kind === 'open' ? Infinity : d.crossedBefore;
      const bounds = this.correlationBounds(inc, held, crossedBefore, d.crossedAt);
      this.attach(inc, held, changes, now, false);
      if (d.kind === 'open') {
        inc.root_cause = this.state.correlator.rootCause(inc.incident_id);
        this.workflow.transition(inc, 'assessing', changes, now, null, `root cause: ${inc.root_cause?.primary_error_type} from ${inc.root_cause?.primary_source}`);
      } else {
        this.state.pendingEscalations.windowGrew(inc.incident_id, e.ts, d.rule.time_window_seconds * 1000);
        if (d.crossedAt < crossedBefore) {
          changes.group(d.rule.rule_id, d.groupKey, { crossed_at: d.crossedAt });
          changes.timeline(entry(inc, now, 'window_extended', `Event ${e.event_id} from ${e.source} completed an earlier window: ${held.length} events joined`, null, { triggering_event_id: e.event_id, events: held.length }));
        }
      }
      await this.joinCorrelated(inc, e, bounds, d.crossedAt, changes, now);
    }
    if (e.correlation_id === null) {
      return;
    }
    for (const id of [...this.state.correlator.correlated(e.correlation_id)]) {
      const inc = this.state.active.get(id);
      if (inc && !holders.has(id) && this.joinsByCorrelation(inc, e)) {
        this.attach(inc, [e], changes, now, true);
        changes.timeline(entry(inc, now, 'correlated', `Event ${e.event_id} from ${e.source} joined by correlation_id ${e.correlation_id}`, null));
      }
    }
  }

  /**
   * An incident holds an event of a correlation id it holds when the event lies at or after the
   * incident's crossing and at or after the earliest event it holds the id at (had the events arrived
   * in time order, the incident and the id were there when this event came).
   */
  private joinsByCorrelation(inc: IncidentRecord, e: StoredEvent): boolean {
    const first = this.state.correlator.firstHeld(inc.incident_id, e.correlation_id!);
    if (first === undefined || e.ts < first) {
      return false;
    }
    const crossed = inc.rule_id && inc.group_key !== null ? this.state.detector.crossedAt(inc.rule_id, inc.group_key) : null;
    return crossed === null || e.ts >= crossed;
  }

  /**
   * Before the incident holds `held` by its rule (its crossing moving from `crossedBefore` to
   * `crossedNow`): the time from which it held each correlation id whose time may now go down
   * (Infinity for an id it did not hold).
   */
  private correlationBounds(inc: IncidentRecord, held: StoredEvent[], crossedBefore: number, crossedNow: number): Map<string, number> {
    const before = new Map<string, number>();
    if (crossedNow < crossedBefore) {
      for (const [id, first] of this.state.correlator.correlationIds(inc.incident_id)) {
        before.set(id, Math.max(crossedBefore, first));
      }
    }
    for (const h of held) {
      if (h.correlation_id !== null && !before.has(h.correlation_id)) {
        const first = this.state.correlator.firstHeld(inc.incident_id, h.correlation_id);
        if (first === undefined || h.ts < first) {
          before.set(h.correlation_id, first === undefined ? Infinity : Math.max(crossedBefore, first));
        }
      }
    }
    return before;
  }

  /**
   * Where the time from which the incident holds a correlation id went down (`before`, see
   * correlationBounds), the events of that id logged before this one, from the new time on, join it.
   */
  private async joinCorrelated(inc: IncidentRecord, e: StoredEvent, before: Map<string, number>, crossedNow: number, changes: Changes, now: number): Promise<void> {
    const ranges: CorrelatedRange[] = [];
    for (const [correlationId, to] of before) {
      const from = Math.max(crossedNow, this.state.correlator.firstHeld(inc.incident_id, correlationId) ?? Infinity);
      if (from < to) {
        ranges.push({ correlationId, from, to });
      }
    }
    if (ranges.length === 0) {
      return;
    }
    const { rule_id: ruleId, group_key: groupKey } = inc;
    const joined = (await this.recent.correlated(ranges, e.seq)).filter((x) => !(ruleId && groupKey !== null && this.state.detector.isHeld(ruleId, groupKey, x.ts, x.seq)));
    if (joined.length > 0) {
      this.attach(inc, joined, changes, now, true);
      const ids = distinct(joined.map((x) => x.correlation_id!));
      changes.timeline(entry(inc, now, 'correlated', `${joined.length} earlier events joined by correlation_id ${ids.join(', ')}`, null, { events: joined.length, correlation_ids: ids }));
    }
  }

  /** A new incident of a rule group's crossing, holding no event yet. */
  private open(d: Extract<Detection, { kind: 'open' }>, e: StoredEvent, changes: Changes, now: number): IncidentRecord {
    const { rule } = d;
    const id = this.state.nextIncidentId();
    const fromAlert = rule.from_alert_labels;
    const type = fromAlert ? alertType(e, this.alertnameTypes) : rule.incident_type;
    const severity: Severity = fromAlert ? (e.severity === 'info' ? 'low' : e.severity) : rule.severity;
    const detectedAt = e.received_at;
    const inc = blankIncident({
      incident_id: id,
      incident_type: type,
      severity,
      title: fromAlert ? alertTitle(e) : `${INCIDENT_TYPE_NAMES[type]} - ${minuteOf(detectedAt)}`,
      description: fromAlert ? String((e.metadata.annotations as Record<string, string> | undefined)?.description ?? rule.description) : rule.description,
      rule_id: rule.rule_id,
      group_key: d.groupKey,
      detected_at: detectedAt,
      started_at: Math.min(...d.held.map((h) => h.ts)),
      affected_components: [],
      updated_at: now,
    });
    this.state.active.set(id, inc);
    this.state.detector.bindIncident(rule.rule_id, d.groupKey, id, d.crossedAt);
    this.state.correlator.track(id, []);
    if (this.state.readsWindow(inc)) {
      this.state.correlatedPoints.set(id, new TimeWindow());
    }
    changes.create(inc);
    changes.group(rule.rule_id, d.groupKey, { crossed_at: d.crossedAt });
    const components = distinct(d.held.map((h) => h.source));
    const within = `${d.held.length} events in ${rule.time_window_seconds}s from ${components.join(', ')}`;
    changes.timeline(entry(inc, detectedAt, 'detected', `${rule.name}: ${within} (threshold ${rule.error_threshold})`, null, { rule_id: rule.rule_id, triggering_event_id: e.event_id }));
    this.metrics.incidentsCreated.inc({ incident_type: inc.incident_type, severity });
    return inc;
  }

  /** The incident holds more events (`byCorrelation`: joined by their correlation id, not by its rule). */
  private attach(inc: IncidentRecord, events: StoredEvent[], changes: Changes, now: number, byCorrelation: boolean): void {
    if (events.length === 0) {
      return;
    }
    const points = byCorrelation ? this.state.correlatedPoints.get(inc.incident_id) : undefined;
    const ownGroup = byCorrelation && inc.rule_id !== null && inc.group_key !== null;
    let wakes = false;
    for (const e of events) {
      if (ownGroup) {
        // Its own rule may come to hold it later (a crossing moving back): it must find it held.
        this.state.detector.markHeld(inc.rule_id!, inc.group_key!, e.ts, e.seq);
      }
      inc.event_count += 1;
      if (!inc.affected_components.includes(e.source)) {
        inc.affected_components.push(e.source);
      }
      inc.started_at = Math.min(inc.started_at, e.ts);
      inc.last_event_at = Math.max(inc.last_event_at ?? e.ts, e.ts);
      trackAlert(inc, e);
      this.state.correlator.add(inc.incident_id, e);
      points?.add(e.ts, e.seq);
      wakes ||= e.event_type !== 'alert_resolved';
    }
    this.state.rootCauseStale.add(inc.incident_id);
    changes.attach(inc.incident_id, events.map((e) => e.seq));
    this.state.pendingEscalations.held(inc.incident_id, events);
    if (inc.status === 'recovering' && wakes) {
      const back = inc.status_before_recovery ?? 'assessing';
      this.workflow.transition(inc, back, changes, now, null, `matching event ${events[events.length - 1].event_id} arrived while recovering`);
    }
    changes.touch(inc, now);
  }

  /** A sender resolved an alert: the incident it opened resolves once all of its alerts are resolved. */
  private alertResolved(e: StoredEvent, changes: Changes, now: number): void {
    const fingerprint = e.metadata.fingerprint;
    if (typeof fingerprint !== 'string') {
      return;
    }
    for (const inc of this.state.active.values()) {
      if (!(fingerprint in inc.alerts) || inc.group_key === null || inc.alerts[fingerprint]) {
        continue;
      }
      const rule = this.state.ruleOf(inc);
      if (!rule?.from_alert_labels || groupKeyOf(rule.group_by, e) !== inc.group_key) {
        continue;
      }
      this.attach(inc, [e], changes, now, false);
      inc.alerts[fingerprint] = true;
      if (Object.values(inc.alerts).every(Boolean)) {
        const origin = String(e.metadata.origin ?? 'sender');
        this.workflow.resolve(inc, 'auto', null, changes, now, `all alerts resolved by ${origin}`);
      }
    }
  }
}
