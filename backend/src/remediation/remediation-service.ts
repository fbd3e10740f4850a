import type { ActionRunRecord } from '../domain/records';
import type { IncidentEngine } from '../engine/engine';
import { toIncidentDto } from '../incidents/dto';
import type { IncidentService } from '../incidents/incident-service';
import { isActiveStatus } from '../schema/enums';
import type { ExecuteAction, RemediationAction } from '../schema/remediation';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { ConflictError, HttpError, NotFoundError, TooManyRequestsError } from '../util/errors';
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
    private readonly clock: Clock
  ) {}

  async list(incidentId: string): Promise<RemediationAction[]> {
    const inc = await this.incidents.get(incidentId);
    return this.responder.view(inc, await this.store.actions.ofIncident(incidentId));
  }

  /**
   * Runs an action for an incident and answers with the finished run (a dry run answers with what
   * would be done). Medium and high risk need `approved_by`; the rate budget and the idempotency key
   * keep a retried or looping request from running it twice.
   */
  async execute(incidentId: string, actionId: string, req: ExecuteAction, actor: string | null): Promise<ActionRunRecord> {
    const inc = await this.incidents.get(incidentId);
    const rec = this.responder.find(actionId, inc.incident_type);
    if (!rec) {
      throw new NotFoundError(`action ${actionId} not found; known actions: ${CATALOG.map((a) => a.id).join(', ')}`);
    }
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
      if (rec.approval !== 'none' && !req.approved_by) {
        throw new HttpError(409, 'approval_required', `${actionId} is ${rec.action.risk} risk: it needs the approval of ${WHO[rec.approval]}; pass approved_by`);
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
    const run = this.responder.newRun({
      incident_id: incidentId,
      action_id: actionId,
      trigger: 'manual',
      dry_run: req.dry_run,
      requested_by: actor ?? req.actor ?? req.approved_by ?? null,
      approved_by: req.approved_by ?? null,
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
    await this.engine.mutate(incidentId, (incident, ctx) => {
      ctx.changes.run(run, true);
      ctx.workflow.runRequested(incident, run, rec, ctx.changes, ctx.now);
    });
    return req.dry_run ? run : this.runner.execute(run);
  }
}
