import type { IncidentRecord } from '../domain/records';
import type { NotificationKind } from '../schema/notifications';
import type { IncidentStatus } from '../schema/enums';
import type { IncidentResponseWorkflow } from '../workflow/workflow';
import type { Changes } from './changes';
import { entry } from './incident-records';

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

/** The context a mutation of `inc` runs with at `now`, its changes collected in `changes`. */
export function mutationContext(inc: IncidentRecord, now: number, changes: Changes, workflow: IncidentResponseWorkflow): MutationContext {
  return {
    now,
    changes,
    workflow,
    notify: (kind, details) => changes.notify(inc, kind, details),
    entry: (type, message, actor, data) => changes.timeline(entry(inc, now, type, message, actor, data)),
    setStatus: (status, actor, reason) => workflow.transition(inc, status, changes, now, actor, reason),
    resolve: (by, actor, notes) => workflow.resolve(inc, by, actor, changes, now, notes ? `resolved: ${notes}` : 'resolved by a person'),
  };
}
