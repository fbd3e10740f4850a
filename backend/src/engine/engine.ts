import type { Logger } from 'pino';
import { IncidentCorrelator } from '../correlation/correlator';
import { IncidentDetector, type Detection, type HeldEvent } from '../detection/detector';
import { above, escalate, escalationContext, needsWindowStats } from '../detection/escalation';
import { groupKeyOf } from '../detection/matcher';
import { SEVERITY_MATRIX } from '../detection/severity-matrix';
import { TimeWindow } from '../detection/window';
import type { IncidentRecord, StoredEvent } from '../domain/records';
import type { Metrics } from '../metrics/metrics';
import type { IncidentNotifier } from '../notification/notifier';
import type { AutoResponder } from '../remediation/auto-responder';
import { INCIDENT_TYPE_NAMES, isActiveStatus, type IncidentStatus, type IncidentType, type Severity } from '../schema/enums';
import type { NotificationKind } from '../notification/channel';
import { IncidentResponseWorkflow } from '../workflow/workflow';
import type { DetectionRule, Escalation } from '../schema/rules';
import type { Store } from '../store/store';
import type { ChangedIncidents } from '../cluster/leadership';
import { CHECKPOINT_KEY } from '../store/store';
import type { Clock } from '../util/clock';
import { UnavailableError } from '../util/errors';
import { SerialQueue } from '../util/serial-queue';
import type { ChangeBus } from './change-bus';
import { Changes } from './changes';
import { alertTitle, alertType, blankIncident, distinct, entry, minuteOf, trackAlert } from './incident-records';
import { PendingEscalations, type EscalationPoints } from './pending-escalations';
import { RecentEvents, type CorrelatedRange } from './recent-events';

export interface EngineOptions {
  retentionSeconds: number;
  maxEvents: number;
  prolongedSeconds: number;
  alertnameTypes: Record<string, IncidentType>;
  /** Stored events that no incident holds are deleted this long after arrival. */
  eventLogRetentionSeconds: number;
  /** Other replicas append to the log too: a step reads what it has not seen from the store. */
  sharedLog?: boolean;
}

/** How often the sweep prunes the stored event log. */
const PRUNE_EVERY_MS = 10 * 60 * 1000;

export interface EngineDeps {
  store: Store;
  clock: Clock;
  bus: ChangeBus;
  metrics: Metrics;
  logger: Logger;
  responder: AutoResponder;
  notifier: IncidentNotifier;
  /** Called after each durable commit (the relay and the action runner wake up). */
  afterCommit?: (changes: Changes) => void;
  /** Called first in each commit's transaction with the incidents it changes; throws when this replica may no longer write. */
  fence?: (tx: Store, changed: ChangedIncidents) => Promise<void>;
}

/** What a mutation from the API gets to work with, inside the engine's single writer. */
export interface MutationContext {
  now: number;
  changes: Changes;
  workflow: IncidentResponseWorkflow;
  notify(kind: NotificationKind, details?: Record<string, unknown>): void;
  entry(entryType: string, message: string, actor: string | null, data?: Record<string, unknown>): void;
  setStatus(status: IncidentStatus, actor: string | null, reason?: string): void;
  resolve(by: string, actor: string | null, notes?: string): void;
}

const PAGE = 5000;

/** A point an escalation is judged at: an event's time, and the event when a condition reads it. */
interface Judged {
  ts: number;
  event?: StoredEvent;
}

/**
 * Reads the event log in order from its checkpoint and turns events into incidents: the detector
 * counts, the correlator explains, escalations raise severity, the sweep notices what time alone
 * changes. It is the only writer of incidents; API mutations run through the same queue.
 */
export class IncidentEngine {
  private detector: IncidentDetector;
  private correlator = new IncidentCorrelator();
  private readonly active = new Map<string, IncidentRecord>();
  private readonly queue = new SerialQueue();
  private readonly lastSweep = new Map<string, number>();
  private currentRules: DetectionRule[] = [];
  /** The last event processed (its changes committed). */
  private checkpoint = 0;
  /**
   * The checkpoint as stored. A step whose events change nothing commits nothing (at one event per
   * request that transaction was half the store's work); the position is saved with the next commit,
   * which every sweep makes while it is behind. After a crash the engine processes those events again,
   * and being deterministic over the log, they change nothing again.
   */
  private savedCheckpoint = 0;
  private position = 0;
  private counter = 0;
  private stale = false;
  /** Incidents whose events changed in the step being processed; their root cause is recomputed once, before the commit. */
  private readonly rootCauseStale = new Set<string>();
  private lastPrune = -Infinity;
  private readonly recent: RecentEvents;
  private readonly pendingEscalations = new PendingEscalations();
  /**
   * Per active incident whose rule's escalations read window statistics, the places of the events it
   * holds by correlation (its rule window marks those it holds by the rule): a late event that grows
   * the window at their time has them judged again.
   */
  private readonly correlatedPoints = new Map<string, TimeWindow>();
  private catchUpQueued: Promise<void> | null = null;
  readonly workflow: IncidentResponseWorkflow;
  ready = false;

  constructor(
    private readonly deps: EngineDeps,
    private readonly opts: EngineOptions
  ) {
    this.detector = this.newDetector();
    this.recent = new RecentEvents(deps.store.events, deps.logger);
    this.workflow = new IncidentResponseWorkflow(deps.responder, deps.store, {
      deactivate: (inc, changes) => this.deactivate(inc, changes),
      active: (id) => this.active.get(id),
    });
  }

  private newDetector(): IncidentDetector {
    return new IncidentDetector({ retentionSeconds: this.opts.retentionSeconds, maxEvents: this.opts.maxEvents });
  }

  /** Rebuilds the windows from stored events, then processes whatever the log holds past the checkpoint. */
  start(rules: DetectionRule[]): Promise<void> {
    return this.queue.run(async () => {
      this.currentRules = rules;
      await this.load(rules);
      this.ready = true;
    });
  }

  private async load(rules: DetectionRule[]): Promise<void> {
    const { store, clock } = this.deps;
    this.detector = this.newDetector();
    this.correlator = new IncidentCorrelator();
    this.recent.reset(await store.events.newestTs());
    this.pendingEscalations.clear();
    this.correlatedPoints.clear();
    this.active.clear();
    this.rootCauseStale.clear();
    this.detector.setRules(rules);
    this.checkpoint = await store.meta.getNumber(CHECKPOINT_KEY);
    this.savedCheckpoint = this.checkpoint;
    this.position = this.checkpoint;
    this.counter = await store.incidents.maxSeq();
    const groups = await store.rules.groups();
    for (const f of groups) {
      this.detector.setFloor(f.rule_id, f.group_key, f.floor_seq);
    }
    await this.replay(clock.now());
    const crossedAt = new Map(groups.map((g) => [`${g.rule_id}\u0000${g.group_key}`, g.crossed_at]));
    for (const inc of await store.incidents.active()) {
      this.active.set(inc.incident_id, inc);
      const held = await store.events.ofIncident(inc.incident_id);
      this.correlator.track(inc.incident_id, held);
      if (inc.rule_id && inc.group_key !== null) {
        // Incidents opened before the crossing was stored: everything after their start joins them.
        const crossed = crossedAt.get(`${inc.rule_id}\u0000${inc.group_key}`) ?? inc.started_at;
        this.bindGroup(inc, crossed, held);
      }
    }
    const recovered = new Changes();
    await this.workflow.recoverRuns(recovered, clock.now(), async (id) => this.active.get(id) ?? (await store.incidents.get(id)));
    await this.commit(recovered);
    this.stale = false;
    await this.readLog();
    this.refreshGauges();
  }

  /** Binds an incident to its rule group: its crossing, the events its window marks as held, and those it holds by correlation. */
  private bindGroup(inc: IncidentRecord, crossedAt: number, held: StoredEvent[]): void {
    this.detector.bindIncident(inc.rule_id!, inc.group_key!, inc.incident_id, crossedAt, held);
    this.correlatedPoints.delete(inc.incident_id);
    if (this.readsWindow(inc)) {
      const points = new TimeWindow();
      for (const e of held) {
        if (!this.detector.isHeld(inc.rule_id!, inc.group_key!, e.ts, e.seq)) {
          points.add(e.ts, e.seq);
        }
      }
      this.correlatedPoints.set(inc.incident_id, points);
    }
  }

  /** Whether an incident's escalations read window statistics (so late events can raise it through the windows). */
  private readsWindow(inc: IncidentRecord): boolean {
    const rule = inc.rule_id ? this.detector.rule(inc.rule_id) : undefined;
    return rule !== undefined && needsWindowStats(rule.escalations ?? SEVERITY_MATRIX[inc.incident_type]);
  }

  /**
   * Counts the events up to the checkpoint that can still matter to a window, without acting on
   * them: those a late event's window can reach, one window more for the statistics of what it holds.
   */
  private async replay(now: number, onlyRule?: string): Promise<void> {
    const maxWindow = Math.max(0, ...this.currentRules.map((r) => r.time_window_seconds));
    const minTs = now - (this.opts.retentionSeconds + 2 * maxWindow) * 1000;
    let after = 0;
    for (;;) {
      const page = await this.deps.store.events.forRebuild(minTs, this.checkpoint, after, PAGE);
      for (const e of page) {
        this.detector.observe(e, false, onlyRule);
      }
      if (page.length < PAGE) {
        break;
      }
      after = page[page.length - 1].seq;
    }
    this.detector.prune();
  }

  /** Installs changed rules; a rule that now counts differently recounts the stored events. */
  setRules(rules: DetectionRule[]): Promise<void> {
    return this.queue.run(async () => {
      this.currentRules = rules;
      if (!this.ready) {
        return;
      }
      const fresh = this.detector.setRules(rules);
      for (const ruleId of fresh) {
        await this.replay(this.deps.clock.now(), ruleId);
        // The recount marks nothing held: mark again what the rule's active incidents hold.
        for (const inc of this.active.values()) {
          if (inc.rule_id === ruleId && inc.group_key !== null) {
            this.bindGroup(inc, this.detector.crossedAt(ruleId, inc.group_key) ?? inc.started_at, await this.deps.store.events.ofIncident(inc.incident_id));
          }
        }
      }
    });
  }

  /**
   * Stops acting (another replica leads now): memory is dropped, what was queued finishes first.
   * `start` rebuilds everything from the store.
   */
  stop(): Promise<void> {
    return this.queue.run(async () => {
      this.ready = false;
      this.active.clear();
      this.rootCauseStale.clear();
      this.pendingEscalations.clear();
      this.correlatedPoints.clear();
      this.detector = this.newDetector();
      this.correlator = new IncidentCorrelator();
      this.recent.reset(undefined);
      this.refreshGauges();
    });
  }

  /** Processes newly committed events (the ingest path calls this right after its commit). */
  submit(events: StoredEvent[]): Promise<void> {
    return this.queue.run(async () => {
      if (!(await this.readyToProcess())) {
        return;
      }
      // With other replicas appending, events between the checkpoint and these may be theirs.
      if (this.opts.sharedLog && events.length > 0 && events[0].seq > this.checkpoint + 1) {
        await this.readLog();
      }
      await this.process(events);
    });
  }

  /** Processes whatever the log holds past the checkpoint (another replica appended). */
  catchUp(): Promise<void> {
    if (this.catchUpQueued) {
      return this.catchUpQueued;
    }
    this.catchUpQueued = this.queue.run(async () => {
      this.catchUpQueued = null;
      if (await this.readyToProcess()) {
        await this.readLog();
      }
    });
    return this.catchUpQueued;
  }

  /** Whether this engine runs (it leads); after a failed commit it first rebuilds from the store. */
  private async readyToProcess(): Promise<boolean> {
    if (!this.ready) {
      return false;
    }
    if (this.stale) {
      await this.load(this.currentRules);
    }
    return true;
  }

  private async readLog(): Promise<void> {
    for (;;) {
      const batch = await this.deps.store.events.after(this.checkpoint, PAGE);
      if (batch.length === 0) {
        break;
      }
      await this.process(batch);
    }
  }

  /** Waits until everything submitted so far is processed. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async process(events: StoredEvent[]): Promise<void> {
    const changes = new Changes();
    const now = this.deps.clock.now();
    let last = this.checkpoint;
    try {
      for (const e of events) {
        if (e.seq <= last) {
          continue;
        }
        this.position = e.seq;
        this.recent.remember(e);
        const detections = this.detector.observe(e, true);
        // Most events open nothing and join nothing.
        if (detections.length > 0 || e.correlation_id !== null) {
          await this.openAndAttach(e, detections, changes, now);
        }
        if (e.event_type === 'alert_resolved') {
          this.alertResolved(e, changes, now);
        }
        last = e.seq;
      }
      if (last === this.checkpoint) {
        return;
      }
      await this.escalatePending(changes, now);
    } catch (err) {
      // The detector counted these events already: rebuild from the store before the next step.
      this.stale = true;
      throw err;
    }
    this.refreshRootCauses();
    for (const inc of changes.createdIncidents) {
      await this.workflow.assessed(inc, changes, now);
    }
    if (!changes.empty) {
      changes.checkpoint = last;
      await this.commit(changes);
    }
    this.checkpoint = last;
    this.deps.metrics.engineLag.set(last);
    const committedAt = this.deps.clock.now();
    for (const inc of changes.createdIncidents) {
      this.deps.metrics.detectionLatency.observe(Math.max(0, committedAt - inc.detected_at) / 1000);
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
        this.pendingEscalations.windowGrew(d.incidentId, e.ts, d.rule.time_window_seconds * 1000);
        continue;
      }
      // The event itself is at hand; a crossing's other events come from memory or the store.
      const held = d.held.length === 1 && d.held[0].seq === e.seq ? [e] : await this.recent.of(d.held);
      const inc = d.kind === 'open' ? this.open(d, e, changes, now) : this.active.get(d.incidentId);
      if (!inc) {
        continue;
      }
      holders.add(inc.incident_id);
      const crossedBefore = d.kind === 'open' ? Infinity : d.crossedBefore;
      const bounds = this.correlationBounds(inc, held, crossedBefore, d.crossedAt);
      this.attach(inc, held, changes, now, false);
      if (d.kind === 'open') {
        inc.root_cause = this.correlator.rootCause(inc.incident_id);
        this.workflow.transition(inc, 'assessing', changes, now, null, `root cause: ${inc.root_cause?.primary_error_type} from ${inc.root_cause?.primary_source}`);
      } else {
        this.pendingEscalations.windowGrew(inc.incident_id, e.ts, d.rule.time_window_seconds * 1000);
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
    for (const id of [...this.correlator.correlated(e.correlation_id)]) {
      const inc = this.active.get(id);
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
    const first = this.correlator.firstHeld(inc.incident_id, e.correlation_id!);
    if (first === undefined || e.ts < first) {
      return false;
    }
    const crossed = inc.rule_id && inc.group_key !== null ? this.detector.crossedAt(inc.rule_id, inc.group_key) : null;
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
      for (const [id, first] of this.correlator.correlationIds(inc.incident_id)) {
        before.set(id, Math.max(crossedBefore, first));
      }
    }
    for (const h of held) {
      if (h.correlation_id !== null && !before.has(h.correlation_id)) {
        const first = this.correlator.firstHeld(inc.incident_id, h.correlation_id);
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
      const from = Math.max(crossedNow, this.correlator.firstHeld(inc.incident_id, correlationId) ?? Infinity);
      if (from < to) {
        ranges.push({ correlationId, from, to });
      }
    }
    if (ranges.length === 0) {
      return;
    }
    const { rule_id: ruleId, group_key: groupKey } = inc;
    const joined = (await this.recent.correlated(ranges, e.seq)).filter((x) => !(ruleId && groupKey !== null && this.detector.isHeld(ruleId, groupKey, x.ts, x.seq)));
    if (joined.length > 0) {
      this.attach(inc, joined, changes, now, true);
      const ids = distinct(joined.map((x) => x.correlation_id!));
      changes.timeline(entry(inc, now, 'correlated', `${joined.length} earlier events joined by correlation_id ${ids.join(', ')}`, null, { events: joined.length, correlation_ids: ids }));
    }
  }

  /** A new incident of a rule group's crossing, holding no event yet. */
  private open(d: Extract<Detection, { kind: 'open' }>, e: StoredEvent, changes: Changes, now: number): IncidentRecord {
    const { rule } = d;
    this.counter += 1;
    const id = `inc_${String(this.counter).padStart(5, '0')}`;
    const fromAlert = rule.from_alert_labels;
    const type = fromAlert ? alertType(e, this.opts.alertnameTypes) : rule.incident_type;
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
    this.active.set(id, inc);
    this.detector.bindIncident(rule.rule_id, d.groupKey, id, d.crossedAt);
    this.correlator.track(id, []);
    if (this.readsWindow(inc)) {
      this.correlatedPoints.set(id, new TimeWindow());
    }
    changes.create(inc);
    changes.group(rule.rule_id, d.groupKey, { crossed_at: d.crossedAt });
    const components = distinct(d.held.map((h) => h.source));
    const within = `${d.held.length} events in ${rule.time_window_seconds}s from ${components.join(', ')}`;
    changes.timeline(entry(inc, detectedAt, 'detected', `${rule.name}: ${within} (threshold ${rule.error_threshold})`, null, { rule_id: rule.rule_id, triggering_event_id: e.event_id }));
    this.deps.metrics.incidentsCreated.inc({ incident_type: inc.incident_type, severity });
    return inc;
  }

  /** The incident holds more events (`byCorrelation`: joined by their correlation id, not by its rule). */
  private attach(inc: IncidentRecord, events: StoredEvent[], changes: Changes, now: number, byCorrelation: boolean): void {
    if (events.length === 0) {
      return;
    }
    const points = byCorrelation ? this.correlatedPoints.get(inc.incident_id) : undefined;
    const ownGroup = byCorrelation && inc.rule_id !== null && inc.group_key !== null;
    let wakes = false;
    for (const e of events) {
      if (ownGroup) {
        // Its own rule may come to hold it later (a crossing moving back): it must find it held.
        this.detector.markHeld(inc.rule_id!, inc.group_key!, e.ts, e.seq);
      }
      inc.event_count += 1;
      if (!inc.affected_components.includes(e.source)) {
        inc.affected_components.push(e.source);
      }
      inc.started_at = Math.min(inc.started_at, e.ts);
      inc.last_event_at = Math.max(inc.last_event_at ?? e.ts, e.ts);
      trackAlert(inc, e);
      this.correlator.add(inc.incident_id, e);
      points?.add(e.ts, e.seq);
      wakes ||= e.event_type !== 'alert_resolved';
    }
    this.rootCauseStale.add(inc.incident_id);
    changes.attach(inc.incident_id, events.map((e) => e.seq));
    this.pendingEscalations.held(inc.incident_id, events);
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
    for (const inc of this.active.values()) {
      if (!(fingerprint in inc.alerts) || inc.group_key === null || inc.alerts[fingerprint]) {
        continue;
      }
      const rule = inc.rule_id ? this.detector.rule(inc.rule_id) : undefined;
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

  /** The incident left the active set: its rule group starts afresh and its events never count again. */
  private deactivate(inc: IncidentRecord, changes: Changes): void {
    this.active.delete(inc.incident_id);
    if (this.rootCauseStale.delete(inc.incident_id)) {
      inc.root_cause = this.correlator.rootCause(inc.incident_id);
    }
    this.correlator.untrack(inc.incident_id);
    this.correlatedPoints.delete(inc.incident_id);
    if (inc.rule_id && inc.group_key !== null) {
      this.detector.release(inc.rule_id, inc.group_key, this.position);
      changes.group(inc.rule_id, inc.group_key, { floor_seq: this.position, crossed_at: null });
    }
  }

  private refreshRootCauses(): void {
    for (const id of this.rootCauseStale) {
      const inc = this.active.get(id);
      if (inc) {
        inc.root_cause = this.correlator.rootCause(id);
      }
    }
    this.rootCauseStale.clear();
  }

  /**
   * Judges the escalations of the step's incidents: every event an incident came to hold, with the
   * window statistics at its time, and, where late events grew the windows of events it already held,
   * those events again. Severity only rises.
   */
  private async escalatePending(changes: Changes, now: number): Promise<void> {
    for (const [id, points] of this.pendingEscalations.take()) {
      const inc = this.active.get(id);
      if (!inc) {
        continue;
      }
      const rule = inc.rule_id ? this.detector.rule(inc.rule_id) : undefined;
      const escalations = rule?.escalations ?? SEVERITY_MATRIX[inc.incident_type];
      let candidates = above(inc.severity, escalations);
      if (candidates.length === 0) {
        continue;
      }
      const windowed = rule !== undefined && inc.group_key !== null && needsWindowStats(candidates);
      const judged: Judged[] = points.events.map((e) => ({ ts: e.ts, event: e }));
      if (windowed && points.ranges.length > 0) {
        judged.push(...(await this.heldAgain(inc, points, candidates.some((c) => c.when.includes('event.')))));
      }
      for (const { ts, event } of judged) {
        const stats = windowed ? this.detector.windowStats(rule.rule_id, inc.group_key!, ts) : undefined;
        const esc = escalate(inc.severity, candidates, escalationContext(inc, now, rule?.time_window_seconds ?? 300, this.opts.prolongedSeconds, event, stats));
        if (esc) {
          this.raise(inc, esc, changes, now);
          candidates = above(inc.severity, escalations);
          if (candidates.length === 0) {
            break;
          }
        }
      }
    }
  }

  /**
   * The events an incident held before this step whose window grew in it (by their times in the
   * grown ranges): with the full event only when a condition reads it.
   */
  private async heldAgain(inc: IncidentRecord, points: EscalationPoints, readsEvent: boolean): Promise<Judged[]> {
    const seen = new Set(points.events.map((e) => e.seq));
    const again: HeldEvent[] = [];
    const take = (h: HeldEvent) => {
      if (!seen.has(h.seq)) {
        seen.add(h.seq);
        again.push(h);
      }
    };
    const correlated = this.correlatedPoints.get(inc.incident_id);
    for (const [from, to] of points.ranges) {
      this.detector.heldBetween(inc.rule_id!, inc.group_key!, from, to).forEach(take);
      if (correlated) {
        const hi = correlated.upperBound(to);
        for (let i = correlated.lowerBound(from); i < hi; i++) {
          take({ seq: correlated.seqAt(i), ts: correlated.tsAt(i), source: '' });
        }
      }
    }
    if (!readsEvent) {
      return again.map((h) => ({ ts: h.ts }));
    }
    return (await this.recent.of(again)).map((e) => ({ ts: e.ts, event: e }));
  }

  private raise(inc: IncidentRecord, esc: Escalation, changes: Changes, now: number): void {
    const from = inc.severity;
    inc.severity = esc.to;
    changes.timeline(entry(inc, now, 'severity_escalated', `Severity ${from} -> ${esc.to}${esc.description ? `: ${esc.description}` : ''}`, null, { from, to: esc.to, when: esc.when }));
    changes.touch(inc, now);
    changes.notify(inc, 'severity_changed', { from, to: esc.to, reason: esc.description ?? esc.when });
  }

  /** What time alone raises (a prolonged incident): the conditions that read no event. */
  private checkEscalation(inc: IncidentRecord, changes: Changes, now: number): void {
    const rule = inc.rule_id ? this.detector.rule(inc.rule_id) : undefined;
    // Only escalations that could still raise the severity are evaluated.
    const candidates = above(inc.severity, rule?.escalations ?? SEVERITY_MATRIX[inc.incident_type]);
    if (candidates.length === 0) {
      return;
    }
    const esc = escalate(inc.severity, candidates, escalationContext(inc, now, rule?.time_window_seconds ?? 300, this.opts.prolongedSeconds));
    if (esc) {
      this.raise(inc, esc, changes, now);
    }
  }

  /**
   * What time alone changes: incidents whose rule has been quiet move to recovering, then resolve;
   * prolonged incidents escalate; windows drain. Each rule is swept at its check interval.
   */
  sweep(): Promise<void> {
    return this.queue.run(async () => {
      if (!(await this.readyToProcess())) {
        return;
      }
      const now = this.deps.clock.now();
      const changes = new Changes();
      const due = new Set<string>();
      for (const rule of this.currentRules) {
        if (now - (this.lastSweep.get(rule.rule_id) ?? -Infinity) >= rule.check_interval_seconds * 1000) {
          due.add(rule.rule_id);
          this.lastSweep.set(rule.rule_id, now);
        }
      }
      for (const inc of [...this.active.values()]) {
        const rule = inc.rule_id ? this.detector.rule(inc.rule_id) : undefined;
        if (rule && !due.has(rule.rule_id)) {
          continue;
        }
        if (rule && !rule.from_alert_labels && inc.last_event_at !== null) {
          const quiet = (rule.quiet_period_seconds ?? rule.time_window_seconds) * 1000;
          if (inc.status !== 'recovering' && now - inc.last_event_at >= quiet) {
            this.workflow.transition(inc, 'recovering', changes, now, null, `no matching event for ${quiet / 1000}s`);
          } else if (inc.status === 'recovering' && rule.auto_resolve && now - (inc.recovering_since ?? now) >= quiet) {
            if (await this.workflow.recovered(inc, quiet, changes, now)) {
              continue;
            }
          }
        }
        this.checkEscalation(inc, changes, now);
      }
      await this.workflow.verifyDue(changes, now);
      this.detector.prune();
      this.savePosition(changes);
      await this.commit(changes);
      if (now - this.lastPrune >= PRUNE_EVERY_MS) {
        this.lastPrune = now;
        // Windows hold only the places of their events in the log: those stay stored while held.
        const before = Math.min(now - this.opts.eventLogRetentionSeconds * 1000, this.detector.oldestHeldTs() ?? Infinity);
        await this.deps.store.events.prune(before, this.checkpoint);
      }
      this.refreshGauges();
    });
  }

  /** Applies a change from the API to one incident, inside the single writer. */
  mutate(incidentId: string, fn: (inc: IncidentRecord, ctx: MutationContext) => void | Promise<void>): Promise<IncidentRecord | undefined> {
    return this.queue.run(async () => {
      this.mustLead();
      const inc = this.active.get(incidentId) ?? (await this.deps.store.incidents.get(incidentId));
      if (!inc) {
        return undefined;
      }
      const now = this.deps.clock.now();
      const changes = new Changes();
      const wasActive = isActiveStatus(inc.status);
      const ctx: MutationContext = {
        now,
        changes,
        workflow: this.workflow,
        notify: (kind, details) => changes.notify(inc, kind, details),
        entry: (type, message, actor, data) => changes.timeline(entry(inc, now, type, message, actor, data)),
        setStatus: (status, actor, reason) => this.workflow.transition(inc, status, changes, now, actor, reason),
        resolve: (by, actor, notes) => this.workflow.resolve(inc, by, actor, changes, now, notes ? `resolved: ${notes}` : 'resolved by a person'),
      };
      await fn(inc, ctx);
      if (wasActive && !isActiveStatus(inc.status) && this.active.has(inc.incident_id)) {
        this.deactivate(inc, changes);
      }
      changes.touch(inc, now);
      await this.commit(changes);
      this.refreshGauges();
      return structuredClone(inc);
    });
  }

  /** Opens an incident by hand (`POST /api/v1/incidents`). */
  createManual(init: Pick<IncidentRecord, 'incident_type' | 'severity' | 'title' | 'description' | 'affected_components'>, actor: string | null): Promise<IncidentRecord> {
    return this.queue.run(async () => {
      this.mustLead();
      const now = this.deps.clock.now();
      this.counter += 1;
      const inc = blankIncident({
        ...init,
        incident_id: `inc_${String(this.counter).padStart(5, '0')}`,
        detected_at: now,
        started_at: now,
        updated_at: now,
      });
      const changes = new Changes();
      this.active.set(inc.incident_id, inc);
      this.correlator.track(inc.incident_id, []);
      changes.create(inc);
      changes.timeline(entry(inc, now, 'detected', `Incident created by ${actor ?? 'a person'}`, actor));
      this.workflow.transition(inc, 'assessing', changes, now, actor, 'created by hand');
      await this.workflow.assessed(inc, changes, now);
      await this.commit(changes);
      this.deps.metrics.incidentsCreated.inc({ incident_type: inc.incident_type, severity: inc.severity });
      this.refreshGauges();
      return structuredClone(inc);
    });
  }

  /** Changes to incidents need the engine: a replica that does not lead it says so (the API forwards them to the leader). */
  private mustLead(): void {
    if (!this.ready) {
      throw new UnavailableError('this replica does not run the engine now; retry (another replica is taking over)');
    }
  }

  /** Saves the position with these changes when the stored checkpoint is behind it. */
  private savePosition(changes: Changes): void {
    if (changes.checkpoint === null && this.checkpoint > this.savedCheckpoint) {
      changes.checkpoint = this.checkpoint;
    }
  }

  /** Saves the position now if the stored checkpoint is behind it (at shutdown). */
  saveCheckpoint(): Promise<void> {
    return this.queue.run(async () => {
      if (this.ready && this.checkpoint > this.savedCheckpoint) {
        const changes = new Changes();
        this.savePosition(changes);
        await this.commit(changes);
      }
    });
  }

  private async commit(changes: Changes): Promise<void> {
    const now = this.deps.clock.now();
    if (!changes.empty) {
      this.savePosition(changes);
    }
    try {
      await this.deps.notifier.route(changes, this.deps.store, now);
      await changes.commit(this.deps.store, now, this.deps.fence);
    } catch (err) {
      // Memory is now ahead of the store: rebuild from the store before the next step.
      this.stale = true;
      throw err;
    }
    if (changes.checkpoint !== null) {
      this.savedCheckpoint = changes.checkpoint;
    }
    for (const change of changes.published()) {
      this.deps.bus.publish(change);
    }
    this.deps.afterCommit?.(changes);
  }

  private refreshGauges(): void {
    const { metrics } = this.deps;
    metrics.setActiveIncidents(this.active.values());
    metrics.windowEvents.set(this.detector.heldEvents());
    metrics.engineLag.set(this.checkpoint);
  }

  get processedPosition(): number {
    return this.checkpoint;
  }

}
