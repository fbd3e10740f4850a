import type { ActionRunRecord, StoredEvent } from '../domain/records';
import type { IncidentType } from '../schema/enums';
import type { ActionRisk, Approval, RunStatus } from '../schema/remediation';

/**
 * What the workflow reads and asks for, named here so that it depends on no store and no executor:
 * the store (store/store.ts) and the auto-responder (remediation/auto-responder.ts) implement these,
 * and the workflow's unit tests pass in-memory ones.
 */

/** The stored facts the workflow decides on. */
export interface WorkflowStore {
  events: {
    /** Events from these sources in [from, to), at most `limit`. */
    fromSources(sources: string[], from: number, to: number, limit: number): Promise<StoredEvent[]>;
    /** How many of an incident's events lie in [from, to). */
    countOfIncident(incidentId: string, from: number, to: number): Promise<number>;
  };
  actions: {
    ofIncident(incidentId: string): Promise<ActionRunRecord[]>;
    withStatus(statuses: RunStatus[]): Promise<ActionRunRecord[]>;
    pendingVerification(): Promise<ActionRunRecord[]>;
    countSince(actionId: string, since: number): Promise<{ count: number; oldest: number | null }>;
  };
}

/** A recommended action, as the workflow weighs it. */
export interface WorkflowRecommendation {
  action: { id: string; title: string; risk: ActionRisk };
  approval: Approval;
  /** Manual actions are done by people: the workflow never waits for their approval. */
  executorKind: string;
  /** Runs on its own in containment. */
  automatic: boolean;
  maxRunsPerHour: number;
}

/** What the workflow asks of the auto-responder. */
export interface WorkflowResponder {
  readonly config: { verify_seconds: number; verify_ratio: number };
  recommend(type: IncidentType): WorkflowRecommendation[];
  newRun(init: Pick<ActionRunRecord, 'incident_id' | 'action_id' | 'trigger' | 'dry_run' | 'requested_by' | 'approved_by' | 'params'> & { idempotency_key?: string; now: number }): ActionRunRecord;
}
