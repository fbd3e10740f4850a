import { randomUUID } from 'node:crypto';
import type { ActionRunRecord, IncidentRecord } from '../domain/records';
import { isActiveStatus, type IncidentType } from '../schema/enums';
import type { ActionState, Approval, RemediationAction } from '../schema/remediation';
import type { HttpClient } from '../util/http-client';
import { iso } from '../util/time';
import { approvalFor, CATALOG_BY_ID, type CatalogAction } from './catalog';
import type { RemediationConfig } from './config';
import type { Executor, ExecutorKind } from './executor';
import { createExecutor } from './executors';
import { NO_AUTOMATIC_ACTION, RECOMMENDATIONS } from './recommendations';

/** A catalog action as this deployment can run it. */
export interface Recommendation {
  action: CatalogAction;
  approval: Approval;
  executor: Executor;
  executorKind: ExecutorKind;
  /** Runs on its own in containment. */
  automatic: boolean;
  maxRunsPerHour: number;
}

const MANUAL_RUNS_PER_HOUR = 1000;

/**
 * The AutoResponder: recommends actions per incident type, says which are safe to run on
 * their own and which need whose approval, and keeps the executors the actions are bound to.
 */
export class AutoResponder {
  private readonly bound = new Map<string, Recommendation>();

  constructor(
    readonly config: RemediationConfig,
    deps: { http: HttpClient }
  ) {
    for (const [id, binding] of Object.entries(config.actions)) {
      const action = CATALOG_BY_ID.get(id)!;
      const executor = createExecutor(binding.executor, deps);
      this.bound.set(id, {
        action,
        approval: approvalFor(action.risk),
        executor,
        executorKind: executor.kind,
        automatic: config.auto_remediation && action.risk === 'low' && action.kind === 'action' && executor.kind !== 'manual',
        maxRunsPerHour: binding.max_runs_per_hour,
      });
    }
  }

  /** Any catalog action, bound or (as a checklist item for a person) not; undefined for an unknown id. */
  find(actionId: string, type?: IncidentType): Recommendation | undefined {
    const rec = this.bound.get(actionId) ?? this.unbound(actionId);
    if (!rec) {
      return undefined;
    }
    return type && NO_AUTOMATIC_ACTION.has(type) ? { ...rec, automatic: false } : rec;
  }

  /** The recommendations for an incident type, in order. */
  recommend(type: IncidentType): Recommendation[] {
    const ids = this.config.recommendations[type] ?? RECOMMENDATIONS[type];
    return ids.map((id) => this.find(id, type)!).filter(Boolean);
  }

  /** Recommended and executed actions with their state, for the API. */
  view(inc: IncidentRecord, runs: ActionRunRecord[]): RemediationAction[] {
    const ids = [...this.recommend(inc.incident_type).map((r) => r.action.id)];
    for (const r of runs) {
      if (!ids.includes(r.action_id)) {
        ids.push(r.action_id);
      }
    }
    return ids.flatMap((id) => {
      const rec = this.find(id, inc.incident_type);
      if (!rec) {
        return [];
      }
      const own = runs.filter((r) => r.action_id === id);
      return [
        {
          action_id: id,
          title: rec.action.title,
          description: rec.action.description,
          risk: rec.action.risk,
          approval: rec.approval,
          executor: rec.executorKind,
          automatic: rec.automatic,
          state: stateOf(rec, own, isActiveStatus(inc.status)),
          runs: own.map(runDto),
        },
      ];
    });
  }

  /** A new run's record; its intent is stored before anything starts. */
  newRun(init: Pick<ActionRunRecord, 'incident_id' | 'action_id' | 'trigger' | 'dry_run' | 'requested_by' | 'approved_by' | 'params'> & { idempotency_key?: string; now: number }): ActionRunRecord {
    const run_id = `run_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const { now, idempotency_key, ...rest } = init;
    return {
      ...rest,
      run_id,
      idempotency_key: idempotency_key ?? `${init.incident_id}:${init.action_id}:${run_id}`,
      status: init.dry_run ? 'dry_run' : 'queued',
      plan: null,
      detail: null,
      output: null,
      queued_at: now,
      started_at: null,
      finished_at: null,
      duration_ms: null,
      verification: null,
      verify_until: null,
    };
  }

  private unbound(actionId: string): Recommendation | undefined {
    const action = CATALOG_BY_ID.get(actionId);
    if (!action) {
      return undefined;
    }
    const executor = createExecutor({ kind: 'manual', instructions: action.description }, { http: unusedHttp });
    return { action, approval: approvalFor(action.risk), executor, executorKind: 'manual', automatic: false, maxRunsPerHour: MANUAL_RUNS_PER_HOUR };
  }
}

const unusedHttp: HttpClient = {
  send: () => Promise.reject(new Error('a manual executor makes no request')),
};

function stateOf(rec: Recommendation, runs: ActionRunRecord[], active: boolean): ActionState {
  const last = runs.filter((r) => !r.dry_run).at(-1);
  if (last) {
    return last.verification === 'did_not_help' ? 'did_not_help' : last.status;
  }
  if (rec.executorKind === 'manual') {
    return 'todo';
  }
  return rec.approval !== 'none' && active ? 'awaiting_approval' : 'recommended';
}

/** A run as the API returns it. */
export function runDto(r: ActionRunRecord) {
  return {
    ...r,
    queued_at: iso(r.queued_at),
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    verify_until: iso(r.verify_until),
  };
}
