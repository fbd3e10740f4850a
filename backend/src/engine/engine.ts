import type { IncidentRecord, StoredEvent } from '../domain/records';
import { isActiveStatus } from '../schema/enums';
import type { DetectionRule } from '../schema/rules';
import { CHECKPOINT_KEY } from '../store/store';
import { UnavailableError } from '../util/errors';
import { SerialQueue } from '../util/serial-queue';
import { IncidentResponseWorkflow } from '../workflow/workflow';
import { Changes } from './changes';
import { commitChanges } from './commit-changes';
import type { EngineDeps, EngineOptions } from './engine-deps';
import { EngineState } from './engine-state';
import { EscalationJudge } from './escalation-judge';
import { EventStep } from './event-step';
import { blankIncident, entry } from './incident-records';
import { mutationContext, type MutationContext } from './mutation-context';
import { RecentEvents } from './recent-events';
import { TimeSweep } from './time-sweep';

/** How often the sweep prunes the stored event log. */
const PRUNE_EVERY_MS = 10 * 60 * 1000;

const PAGE = 5000;

/**
 * Reads the event log in order from its checkpoint and turns events into incidents: the detector
 * counts, the correlator explains, escalations raise severity, the sweep notices what time alone
 * changes. It is the only writer of incidents; API mutations run through the same queue.
 */
export class IncidentEngine {
  private readonly state: EngineState;
  private readonly queue = new SerialQueue();
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
  private stale = false;
  private lastPrune = -Infinity;
  private readonly recent: RecentEvents;
  private readonly step: EventStep;
  private readonly escalations: EscalationJudge;
  private readonly sweeper: TimeSweep;
  private catchUpQueued: Promise<void> | null = null;
  readonly workflow: IncidentResponseWorkflow;
  ready = false;

  constructor(
    private readonly deps: EngineDeps,
    private readonly opts: EngineOptions
  ) {
    this.state = new EngineState(opts);
    this.recent = new RecentEvents(deps.store.events, deps.logger);
    this.workflow = new IncidentResponseWorkflow(deps.responder, deps.store, {
      deactivate: (inc, changes) => this.state.deactivate(inc, changes),
      active: (id) => this.state.active.get(id),
    });
    this.step = new EventStep(this.state, this.recent, this.workflow, deps.metrics, opts.alertnameTypes);
    this.escalations = new EscalationJudge(this.state, this.recent, opts.prolongedSeconds);
    this.sweeper = new TimeSweep(this.state, this.workflow, this.escalations);
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
    const { state } = this;
    state.reset(rules);
    this.recent.reset(await store.events.newestTs());
    this.checkpoint = await store.meta.getNumber(CHECKPOINT_KEY);
    this.savedCheckpoint = this.checkpoint;
    state.position = this.checkpoint;
    state.counter = await store.incidents.maxSeq();
    const groups = await store.rules.groups();
    for (const f of groups) {
      state.detector.setFloor(f.rule_id, f.group_key, f.floor_seq);
    }
    await this.replay(clock.now());
    const crossedAt = new Map(groups.map((g) => [`${g.rule_id}\u0000${g.group_key}`, g.crossed_at]));
    for (const inc of await store.incidents.active()) {
      state.active.set(inc.incident_id, inc);
      const held = await store.events.ofIncident(inc.incident_id);
      state.correlator.track(inc.incident_id, held);
      if (inc.rule_id && inc.group_key !== null) {
        // Incidents opened before the crossing was stored: everything after their start joins them.
        const crossed = crossedAt.get(`${inc.rule_id}\u0000${inc.group_key}`) ?? inc.started_at;
        state.bindGroup(inc, crossed, held);
      }
    }
    const recovered = new Changes();
    await this.workflow.recoverRuns(recovered, clock.now(), async (id) => state.active.get(id) ?? (await store.incidents.get(id)));
    await this.commit(recovered);
    this.stale = false;
    await this.readLog();
    this.refreshGauges();
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
        this.state.detector.observe(e, false, onlyRule);
      }
      if (page.length < PAGE) {
        break;
      }
      after = page[page.length - 1].seq;
    }
    this.state.detector.prune();
  }

  /** Installs changed rules; a rule that now counts differently recounts the stored events. */
  setRules(rules: DetectionRule[]): Promise<void> {
    return this.queue.run(async () => {
      this.currentRules = rules;
      if (!this.ready) {
        return;
      }
      const { state } = this;
      const fresh = state.detector.setRules(rules);
      for (const ruleId of fresh) {
        await this.replay(this.deps.clock.now(), ruleId);
        // The recount marks nothing held: mark again what the rule's active incidents hold.
        for (const inc of state.active.values()) {
          if (inc.rule_id === ruleId && inc.group_key !== null) {
            state.bindGroup(inc, state.detector.crossedAt(ruleId, inc.group_key) ?? inc.started_at, await this.deps.store.events.ofIncident(inc.incident_id));
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
      this.state.reset();
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
        this.recent.remember(e);
        await this.step.event(e, changes, now);
        last = e.seq;
      }
      if (last === this.checkpoint) {
        return;
      }
      await this.escalations.judgeStep(changes, now);
    } catch (err) {
      // The detector counted these events already: rebuild from the store before the next step.
      this.stale = true;
      throw err;
    }
    this.state.refreshRootCauses();
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

  /** What time alone changes (time-sweep.ts), then the stored log's pruning now and then. */
  sweep(): Promise<void> {
    return this.queue.run(async () => {
      if (!(await this.readyToProcess())) {
        return;
      }
      const now = this.deps.clock.now();
      const changes = new Changes();
      await this.sweeper.run(this.currentRules, changes, now);
      this.savePosition(changes);
      await this.commit(changes);
      if (now - this.lastPrune >= PRUNE_EVERY_MS) {
        this.lastPrune = now;
        // Windows hold only the places of their events in the log: those stay stored while held.
        const before = Math.min(now - this.opts.eventLogRetentionSeconds * 1000, this.state.detector.oldestHeldTs() ?? Infinity);
        await this.deps.store.events.prune(before, this.checkpoint);
      }
      this.refreshGauges();
    });
  }

  /** Applies a change from the API to one incident, inside the single writer. */
  mutate(incidentId: string, fn: (inc: IncidentRecord, ctx: MutationContext) => void | Promise<void>): Promise<IncidentRecord | undefined> {
    return this.queue.run(async () => {
      this.mustLead();
      const inc = this.state.active.get(incidentId) ?? (await this.deps.store.incidents.get(incidentId));
      if (!inc) {
        return undefined;
      }
      const now = this.deps.clock.now();
      const changes = new Changes();
      const wasActive = isActiveStatus(inc.status);
      await fn(inc, mutationContext(inc, now, changes, this.workflow));
      if (wasActive && !isActiveStatus(inc.status) && this.state.active.has(inc.incident_id)) {
        this.state.deactivate(inc, changes);
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
      const inc = blankIncident({
        ...init,
        incident_id: this.state.nextIncidentId(),
        detected_at: now,
        started_at: now,
        updated_at: now,
      });
      const changes = new Changes();
      this.state.active.set(inc.incident_id, inc);
      this.state.correlator.track(inc.incident_id, []);
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
      await commitChanges(changes, this.deps.store, now, this.deps.fence);
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
    metrics.setActiveIncidents(this.state.active.values());
    metrics.windowEvents.set(this.state.detector.heldEvents());
    metrics.engineLag.set(this.checkpoint);
  }

  get processedPosition(): number {
    return this.checkpoint;
  }

}
