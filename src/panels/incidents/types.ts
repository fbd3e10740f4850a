import type { IncidentFilter } from '@mahavishnu/wire/client';
import type { Incident } from '@mahavishnu/wire/incidents';
import type { ActionRun, Approval, RemediationAction } from '@mahavishnu/wire/remediation';
import { INCIDENT_STATUSES, type IncidentStatus, type Severity } from '@mahavishnu/wire/vocabulary';
import { SEVERITIES } from '../../components/common/vocabulary';

/*
 * The wire shapes the panel reads: the enums come from the backend's zod-free vocabulary and the
 * record types from its zod schemas (`import type` only: nothing of zod reaches the panel's bundle).
 */

/** Severities worst first, as lists show them (the plugin's one list). */
export { SEVERITIES };
export type { Severity };

export { INCIDENT_STATUSES };
export type { IncidentStatus };

export type { ActionRun, Approval, Incident, RemediationAction };

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
