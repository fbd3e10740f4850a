import {
  INCIDENT_STATUSES,
  SEVERITIES as WIRE_SEVERITIES,
  type IncidentStatus,
  type Severity,
} from '@mahavishnu/wire/vocabulary';
import type { IncidentFilter } from '@mahavishnu/wire/client';
import type { Incident } from '@mahavishnu/wire/incidents';
import type { ActionRun, Approval, ExecuteAction, RemediationAction } from '@mahavishnu/wire/remediation';
/*
 * The wire shapes the panel reads: the enums come from the backend's zod-free vocabulary and the
 * record types from its zod schemas (`import type` only: nothing of zod reaches the panel's bundle).
 */

/** Severities worst first, as lists show them. */
export const SEVERITIES = [...WIRE_SEVERITIES].reverse() as Severity[];
export type { Severity };

export { INCIDENT_STATUSES };
export type { IncidentStatus };

export type { ActionRun, Approval, Incident, RemediationAction };

/** The body of a run: who approved it, where its risk needs an approval, and whether it is a dry run. */
export type RunActionBody = Pick<Partial<ExecuteAction>, 'approved_by' | 'dry_run'>;

/**
 * The filters of `GET /api/v1/incidents` that the panel sets; `since` is not sent for active incidents,
 * which are news however old.
 */
export type IncidentFilters = Pick<IncidentFilter, 'status' | 'severity' | 'component' | 'since' | 'limit'>;

/** The columns the wide view can show. */
export const COLUMNS = ['severity', 'title', 'status', 'type', 'components', 'assignee', 'detected', 'id'] as const;
export type Column = (typeof COLUMNS)[number];

/** The panel's options (see options.ts for their editors and defaults). */
export interface PanelOptions {
  /** `active`, one status, or '' for any. */
  status: string;
  /** One severity or '' for any. */
  severity: string;
  /** A component or a dashboard variable; '' for any. */
  component: string;
  columns: Column[];
  maxRows: number;
  showActions: boolean;
}
