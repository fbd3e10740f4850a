import type { ActionRunRecord, IncidentRecord } from '../domain/records';
import type { Changes } from '../engine/changes';
import { entry } from '../engine/incident-records';
import { isActiveStatus, type IncidentStatus } from '../schema/enums';
import { isErrorEvent } from '../domain/error-events';
import { INVESTIGATION_CHECKLIST } from './checklists';
import type { WorkflowRecommendation, WorkflowResponder, WorkflowStore } from './ports';

/** What the workflow needs from the engine that holds the active incidents. */
export interface WorkflowHost {
  /** The incident left the active set: its windows and correlations are released. */
  deactivate(inc: IncidentRecord, changes: Changes): void;
  active(incidentId: string): IncidentRecord | undefined;
}

const HOUR = 3600_000;
/** The recovery exit criterion: an error rate under 1% while recovering. */
const EXIT_ERROR_RATE = 0.01;
/** Most events read to measure it. */
const EXIT_SCAN_LIMIT = 100_000;

/**
 * The IncidentResponseWorkflow: detected -> assessing -> containing -> investigating ->
 * remediating -> recovering -> resolved -> closed. It decides what happens next; the engine calls it
 * inside its single writer, and every transition is a timeline entry with who and when.
 */
export class IncidentResponseWorkflow {
  /** Incidents whose recovery was held back by their error rate (told once per incident). */
  private readonly held = new Set<string>();

  constructor(
    private readonly responder: WorkflowResponder,
    private readonly store: WorkflowStore,
    private readonly host: WorkflowHost
  ) {}

  transition(inc: IncidentRecord, to: IncidentStatus, changes: Changes, now: number, actor: string | null, reason?: string): void {
    const from = inc.status;
    if (from === to) {
      return;
    }
    inc.status = to;
    if (to === 'recovering') {
      inc.recovering_since = now;
      inc.status_before_recovery = from;
    } else if (from === 'recovering') {
      inc.recovering_since = null;
      inc.status_before_recovery = null;
      this.held.delete(inc.incident_id);
    }
    if (to === 'resolved') {
      changes.postmortem(inc.incident_id, 'generated');
    } else if (to === 'closed') {
      changes.postmortem(inc.incident_id, 'refreshed');
    }
    changes.timeline(entry(inc, now, 'status_changed', `Status ${from} -> ${to}${reason ? `: ${reason}` : ''}`, actor, { from, to }));
    changes.touch(inc, now);
  }

  resolve(inc: IncidentRecord, by: string, actor: string | null, changes: Changes, now: number, reason: string): void {
    inc.resolved_at = now;
    inc.resolved_by = by;
    this.transition(inc, 'resolved', changes, now, actor, reason);
    inc.recovering_since = null;
    inc.status_before_recovery = null;
    changes.notify(inc, 'resolved', { resolved_by: by, reason });
    this.host.deactivate(inc, changes);
  }

  /**
   * Stage 5's exit criteria, measured on the event stream: no matching event for a further quiet
   * period, and fewer than 1% errors among everything the affected components sent in that period.
   * Resolves the incident when they hold; otherwise says once why it stays in recovery.
   */
  async recovered(inc: IncidentRecord, quietMs: number, changes: Changes, now: number): Promise<boolean> {
    const since = now - quietMs;
    const events = await this.store.events.fromSources(inc.affected_components, since, now, EXIT_SCAN_LIMIT);
    const errors = events.filter(isErrorEvent).length;
    const rate = events.length ? errors / events.length : 0;
    const measured = `${(rate * 100).toFixed(1)}% errors in ${events.length} events from ${inc.affected_components.join(', ') || 'its components'}`;
    if (rate < EXIT_ERROR_RATE) {
      this.held.delete(inc.incident_id);
      this.resolve(inc, 'auto', null, changes, now, `recovery criteria met: no matching event for a further ${quietMs / 1000}s, ${measured}`);
      return true;
    }
    if (!this.held.has(inc.incident_id)) {
      this.held.add(inc.incident_id);
      changes.timeline(entry(inc, now, 'recovery_held', `still recovering: ${measured} (the exit criterion is under 1%)`, null, { error_rate: rate, events: events.length }));
      changes.touch(inc, now);
    }
    return false;
  }

  /** Stage 1 is done (the root cause is known): tell people, then contain. */
  async assessed(inc: IncidentRecord, changes: Changes, now: number): Promise<void> {
    changes.notify(inc, 'incident_created', { root_cause: inc.root_cause });
    await this.respond(inc, [], changes, now);
  }

  /**
   * What to do next with what has been tried: run the untried safe actions (containment); when none
   * is left, investigate; when a risky action could still help, wait for its approval (remediation).
   */
  async respond(inc: IncidentRecord, runs: ActionRunRecord[], changes: Changes, now: number): Promise<void> {
    if (!isActiveStatus(inc.status)) {
      return;
    }
    const recs = this.responder.recommend(inc.incident_type);
    const tried = new Set(runs.filter((r) => !r.dry_run).map((r) => r.action_id));
    const queued: string[] = [];
    for (const rec of recs.filter((r) => r.automatic && !tried.has(r.action.id))) {
      const used = await this.store.actions.countSince(rec.action.id, now - HOUR);
      if (used.count >= rec.maxRunsPerHour) {
        changes.timeline(entry(inc, now, 'action_skipped', `${rec.action.id} not run: its budget of ${rec.maxRunsPerHour} runs per hour is used up`, null, { action_id: rec.action.id }));
        continue;
      }
      const run = this.responder.newRun({ incident_id: inc.incident_id, action_id: rec.action.id, trigger: 'auto', dry_run: false, requested_by: null, approved_by: null, params: {}, now, idempotency_key: `${inc.incident_id}:${rec.action.id}:auto` });
      changes.run(run, true);
      changes.timeline(entry(inc, now, 'action_queued', `${rec.action.id} (low risk) queued to run automatically`, null, { action_id: rec.action.id, run_id: run.run_id }));
      queued.push(rec.action.id);
    }
    if (queued.length > 0) {
      this.transition(inc, 'containing', changes, now, null, `running safe actions: ${queued.join(', ')}`);
      return;
    }
    if (inc.status === 'detected' || inc.status === 'assessing' || inc.status === 'containing') {
      this.transition(inc, 'investigating', changes, now, null, runs.length ? 'safe actions done' : 'no safe action to run');
      changes.timeline(entry(inc, now, 'checklist', `Investigation checklist: ${INVESTIGATION_CHECKLIST.join('; ')}`, null, { checklist: [...INVESTIGATION_CHECKLIST] }));
    }
    // A risky action waits while a safe one that ran may still prove to have helped.
    const mayHelp = runs.some((r) => !r.dry_run && r.status === 'succeeded' && r.verification !== 'did_not_help');
    const risky = recs.find((r) => r.approval !== 'none' && r.executorKind !== 'manual' && !tried.has(r.action.id));
    if (risky && !mayHelp && inc.status === 'investigating') {
      this.awaitApproval(inc, risky, changes, now);
    }
  }

  private awaitApproval(inc: IncidentRecord, rec: WorkflowRecommendation, changes: Changes, now: number): void {
    this.transition(inc, 'remediating', changes, now, null, `${rec.action.id} (${rec.action.risk} risk) awaits approval by a ${rec.approval}`);
    changes.notify(inc, 'approval_needed', { action_id: rec.action.id, title: rec.action.title, risk: rec.action.risk, approval: rec.approval });
  }

  /** A person asked for a run: a risky one moves the incident to remediation. */
  runRequested(inc: IncidentRecord, run: ActionRunRecord, rec: WorkflowRecommendation, changes: Changes, now: number): void {
    const who = run.approved_by ? `, approved by ${run.approved_by}` : '';
    const what = run.dry_run ? 'dry run of' : 'run of';
    changes.timeline(entry(inc, now, 'action_requested', `${what} ${run.action_id} requested by ${run.requested_by ?? 'someone'}${who}`, run.requested_by, { action_id: run.action_id, run_id: run.run_id, approved_by: run.approved_by, dry_run: run.dry_run }));
    if (!run.dry_run && rec.approval !== 'none' && ['detected', 'assessing', 'containing', 'investigating'].includes(inc.status)) {
      this.transition(inc, 'remediating', changes, now, run.requested_by, `${run.action_id} approved by ${run.approved_by}`);
    }
  }

  /** A run ended: record it; a failure is told and the next step is taken once containment is over. */
  async runFinished(inc: IncidentRecord, run: ActionRunRecord, runs: ActionRunRecord[], changes: Changes, now: number): Promise<void> {
    changes.timeline(entry(inc, now, run.status === 'succeeded' ? 'action_succeeded' : 'action_failed', `${run.action_id} ${run.status}: ${run.detail ?? ''}`, run.approved_by, { action_id: run.action_id, run_id: run.run_id, duration_ms: run.duration_ms }));
    if (run.status !== 'succeeded') {
      changes.notify(inc, 'action_failed', { action_id: run.action_id, run_id: run.run_id, outcome: run.status, detail: run.detail });
    }
    const pending = runs.some((r) => r.run_id !== run.run_id && (r.status === 'queued' || r.status === 'running'));
    if (inc.status === 'containing' && !pending) {
      await this.respond(inc, runs, changes, now);
    }
  }

  /** After its verify period, a run is judged on the data: did matching events slow down? */
  async verify(inc: IncidentRecord | undefined, run: ActionRunRecord, changes: Changes, now: number): Promise<ActionRunRecord> {
    const period = this.responder.config.verify_seconds * 1000;
    const at = run.finished_at ?? now;
    const before = await this.store.events.countOfIncident(run.incident_id, at - period, at);
    const after = await this.store.events.countOfIncident(run.incident_id, at, at + period);
    const helped = after === 0 || after < before * this.responder.config.verify_ratio;
    const judged: ActionRunRecord = { ...run, verification: helped ? 'helped' : 'did_not_help' };
    changes.run(judged);
    if (!inc) {
      return judged;
    }
    const rate = `${before} matching events in the ${period / 1000}s before it, ${after} in the ${period / 1000}s after`;
    changes.timeline(entry(inc, now, helped ? 'action_helped' : 'action_did_not_help', `${run.action_id} ${helped ? 'helped' : 'did not help'}: ${rate}`, null, { action_id: run.action_id, run_id: run.run_id, before, after }));
    if (!helped) {
      changes.notify(inc, 'action_failed', { action_id: run.action_id, run_id: run.run_id, outcome: 'did not help', detail: rate });
      const runs = (await this.store.actions.ofIncident(inc.incident_id)).map((r) => (r.run_id === run.run_id ? judged : r));
      await this.respond(inc, runs, changes, now);
    }
    return judged;
  }

  /** Judges every run whose verify period is over. */
  async verifyDue(changes: Changes, now: number): Promise<void> {
    for (const run of await this.store.actions.pendingVerification()) {
      if (run.verify_until !== null && run.verify_until <= now) {
        await this.verify(this.host.active(run.incident_id), run, changes, now);
      }
    }
  }

  /** After a crash, a run found `running` may or may not have happened: it becomes `unknown` and waits for a person. */
  async recoverRuns(changes: Changes, now: number, incidentOf: (id: string) => Promise<IncidentRecord | undefined>): Promise<void> {
    for (const run of await this.store.actions.withStatus(['running'])) {
      const unknown: ActionRunRecord = { ...run, status: 'unknown', detail: 'the backend stopped while this run was in progress; check what it did before running it again', finished_at: now };
      changes.run(unknown);
      const inc = await incidentOf(run.incident_id);
      if (inc) {
        changes.timeline(entry(inc, now, 'action_unknown', `${run.action_id} was running when the backend stopped: its outcome is unknown and it will not be run again on its own`, null, { action_id: run.action_id, run_id: run.run_id }));
        changes.notify(inc, 'action_failed', { action_id: run.action_id, run_id: run.run_id, outcome: 'unknown', detail: unknown.detail });
        changes.touch(inc, now);
      }
    }
  }
}
