import { randomUUID } from 'node:crypto';
import type { ActionRunRecord } from '../domain/records';
import type { IncidentEngine } from '../engine/engine';
import { toIncidentDto } from '../incidents/dto';
import type { IncidentService } from '../incidents/incident-service';
import { isActiveStatus } from '../schema/enums';
import type { ExecuteAction, RemediationAction } from '../schema/remediation';
import type { ActionApproval, ApproveAction } from '../schema/security';
import type { Caller } from '../security/caller';
import { atLeast } from '../security/roles';
import type { ApprovalRow } from '../store/approval-store';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { ConflictError, ForbiddenError, HttpError, NotFoundError, TooManyRequestsError, ValidationError } from '../util/errors';
import { iso } from '../util/time';
import { entry } from '../engine/incident-records';
import type { ActionRunner } from './action-runner';
import type { AutoResponder } from './auto-responder';
import { CATALOG } from './catalog';

const HOUR = 3600_000;
const WHO: Record<string, string> = { responder: 'an on-call responder', lead: 'a team lead' };

/** What people do with remediation: see the recommended actions, dry-run them, approve and run them. */
export class RemediationService {
  constructor(
    private readonly store: Store,
    private readonly incidents: IncidentService,
    private readonly engine: IncidentEngine,
    private readonly responder: AutoResponder,
    private readonly runner: ActionRunner,
    private readonly clock: Clock,
    /** How long an approval stands when the approver does not say. */
    private readonly approvalTtlSeconds = 900
  ) {}

  async list(incidentId: string): Promise<RemediationAction[]> {
    const inc = await this.incidents.get(incidentId);
    return this.responder.view(inc, await this.store.actions.ofIncident(incidentId));
  }

  /**
   * Runs an action for an incident and answers with the finished run (a dry run answers with what
   * would be done). Medium and high risk need an approver (see `approverOf`); the rate budget and
   * the idempotency key keep a retried or looping request from running it twice.
   */
  async execute(incidentId: string, actionId: string, req: ExecuteAction, caller: Caller): Promise<ActionRunRecord> {
    const { inc, rec } = await this.action(incidentId, actionId);
    const actor = caller.actor;
    if (req.idempotency_key) {
      const seen = await this.store.actions.byIdempotencyKey(req.idempotency_key);
      if (seen) {
        if (seen.incident_id !== incidentId || seen.action_id !== actionId) {
          throw new ConflictError(`idempotency key ${req.idempotency_key} was used for ${seen.action_id} on ${seen.incident_id}`);
        }
        return seen;
      }
    }
    const now = this.clock.now();
    if (!req.dry_run) {
      if (!isActiveStatus(inc.status)) {
        throw new ConflictError(`cannot run ${actionId} on incident ${incidentId}: it is ${inc.status}`);
      }
      const runs = await this.store.actions.ofIncident(incidentId);
      if (runs.some((r) => r.action_id === actionId && (r.status === 'queued' || r.status === 'running'))) {
        throw new ConflictError(`${actionId} is already running for incident ${incidentId}`);
      }
      const used = await this.store.actions.countSince(actionId, now - HOUR);
      if (used.count >= rec.maxRunsPerHour) {
        const wait = ((used.oldest ?? now) + HOUR - now) / 1000;
        throw new TooManyRequestsError('rate_budget_exhausted', `${actionId} has used its budget of ${rec.maxRunsPerHour} runs per hour; next run possible in ${Math.ceil(wait)}s`, wait);
      }
    }
    const approval = req.dry_run || rec.approval === 'none' ? undefined : await this.approverOf(incidentId, rec, req, caller, now);
    const run = this.responder.newRun({
      incident_id: incidentId,
      action_id: actionId,
      trigger: 'manual',
      dry_run: req.dry_run,
      requested_by: actor ?? req.actor ?? req.approved_by ?? null,
      approved_by: approval?.approvedBy ?? null,
      params: req.params,
      idempotency_key: req.idempotency_key,
      now,
    });
    if (req.dry_run) {
      run.plan = rec.executor.plan({
        incident: toIncidentDto(inc),
        action_id: actionId,
        run_id: run.run_id,
        idempotency_key: run.idempotency_key,
        params: req.params,
        actor: run.requested_by,
      });
      run.detail = `dry run: nothing was done (${rec.action.risk} risk, approval: ${rec.approval})`;
      run.finished_at = now;
    }
    if (approval?.standing && !(await this.store.approvals.use(approval.standing.approval_id, run.run_id))) {
      throw new ConflictError(`the approval of ${actionId} was used by another run at the same time; approve it again`);
    }
    await this.engine.mutate(incidentId, (incident, ctx) => {
      ctx.changes.run(run, true);
      ctx.workflow.runRequested(incident, run, rec, ctx.changes, ctx.now);
    });
    return req.dry_run ? run : this.runner.execute(run);
  }

  /**
   * Approves one action of one incident until it expires: the next run of that action (by a
   * responder, or by anyone without keys) uses it; it authorizes nothing else. With keys, a medium
   * risk action needs a responder's approval and a high risk one a lead's (or an admin's).
   */
  async approve(req: ApproveAction, caller: Caller): Promise<ActionApproval> {
    const { incident_id: incidentId, action_id: actionId } = req;
    // An approval may be shorter than the configured one, never longer: the operator's bound holds for every approver.
    if (req.expires_in_seconds !== undefined && req.expires_in_seconds > this.approvalTtlSeconds) {
      const message = `at most ${this.approvalTtlSeconds} seconds (remediation.approval_ttl_seconds)`;
      throw new ValidationError(`body.expires_in_seconds: ${message}, got ${req.expires_in_seconds}`, [{ field: 'body.expires_in_seconds', message }]);
    }
    const { inc, rec } = await this.action(incidentId, actionId);
    if (rec.approval === 'none') {
      throw new ConflictError(`${actionId} is ${rec.action.risk} risk: it needs no approval`);
    }
    if (!isActiveStatus(inc.status)) {
      throw new ConflictError(`cannot approve ${actionId} on incident ${incidentId}: it is ${inc.status}`);
    }
    if (caller.role !== null && !atLeast(caller.role, rec.approval)) {
      throw new ForbiddenError(`${actionId} is ${rec.action.risk} risk: only ${WHO[rec.approval]} (role ${rec.approval} or above) may approve it; the key ${caller.keyName} is ${caller.role}`);
    }
    const approvedBy = caller.role !== null ? caller.actor : (caller.actor ?? req.approved_by ?? null);
    if (!approvedBy) {
      throw new ValidationError('approved_by: name who approves (approved_by, or the X-Grafana-User header)', [{ field: 'body.approved_by', message: 'name who approves' }]);
    }
    const now = this.clock.now();
    const row: ApprovalRow = {
      approval_id: `apr_${randomUUID().slice(0, 12)}`,
      incident_id: incidentId,
      action_id: actionId,
      approved_by: approvedBy,
      role: caller.role,
      created_at: now,
      expires_at: now + (req.expires_in_seconds ?? this.approvalTtlSeconds) * 1000,
      used_by_run: null,
    };
    await this.store.approvals.insert(row);
    await this.engine.mutate(incidentId, (incident, ctx) => {
      ctx.changes.timeline(entry(incident, now, 'action_approved', `${actionId} (${rec.action.risk} risk) approved by ${approvedBy} until ${iso(row.expires_at)}`, approvedBy, { action_id: actionId, approval_id: row.approval_id }));
    });
    return approvalDto(row);
  }

  async approvals(incidentId: string): Promise<ActionApproval[]> {
    await this.incidents.get(incidentId);
    return (await this.store.approvals.ofIncident(incidentId)).map(approvalDto);
  }

  private async action(incidentId: string, actionId: string) {
    const inc = await this.incidents.get(incidentId);
    const rec = this.responder.find(actionId, inc.incident_type);
    if (!rec) {
      throw new NotFoundError(`action ${actionId} not found; known actions: ${CATALOG.map((a) => a.id).join(', ')}`);
    }
    return { inc, rec };
  }

  /**
   * Who approves a risky run. With keys: the caller, if their role suffices, else a standing approval
   * of this action of this incident. Without keys: `approved_by`, else a standing approval.
   */
  private async approverOf(
    incidentId: string,
    rec: { action: { id: string; risk: string }; approval: 'responder' | 'lead' | 'none' },
    req: ExecuteAction,
    caller: Caller,
    now: number
  ): Promise<{ approvedBy: string; standing?: ApprovalRow }> {
    const needed = rec.approval as 'responder' | 'lead';
    if (caller.role !== null && atLeast(caller.role, needed) && caller.actor) {
      return { approvedBy: caller.actor };
    }
    if (caller.role === null && req.approved_by) {
      return { approvedBy: req.approved_by };
    }
    const standing = await this.store.approvals.standing(incidentId, rec.action.id, now);
    if (standing) {
      return { approvedBy: standing.approved_by, standing };
    }
    const how =
      caller.role === null
        ? 'pass approved_by, or approve it first'
        : `the key ${caller.keyName} is ${caller.role}; ask ${WHO[needed]} to approve it first`;
    throw new HttpError(409, 'approval_required', `${rec.action.id} is ${rec.action.risk} risk: it needs the approval of ${WHO[needed]}; ${how} (POST /api/v1/approvals)`);
  }
}

function approvalDto(r: ApprovalRow): ActionApproval {
  return { ...r, created_at: iso(r.created_at), expires_at: iso(r.expires_at), role: r.role as ActionApproval['role'] };
}
