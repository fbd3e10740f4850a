import {
  INCIDENT_STATUSES,
  SEVERITIES as WIRE_SEVERITIES,
  type IncidentStatus,
  type Severity,
} from '../../../backend/src/schema/vocabulary';
/*
 * The wire shapes the panel reads: the enums come from the backend's zod-free vocabulary; the record
 * shapes below are the fields the panel uses of backend/src/schema/incidents.ts and remediation.ts.
 */

/** Severities worst first, as lists show them. */
export const SEVERITIES = [...WIRE_SEVERITIES].reverse() as Severity[];
export type { Severity };

export { INCIDENT_STATUSES };
export type { IncidentStatus };

/** What the panel shows of an incident (`Incident` of `GET /api/v1/incidents`). */
export interface Incident {
  incident_id: string;
  incident_type: string;
  severity: Severity;
  status: IncidentStatus;
  title: string;
  /** ISO 8601. */
  detected_at: string;
  acknowledged_at: string | null;
  affected_components: string[];
  assigned_to: string | null;
}

/** Who must approve a run: nobody, an on-call responder or a team lead. */
export type Approval = 'none' | 'responder' | 'lead';

/** A remediation action recommended for an incident (`GET /api/v1/incidents/{id}/actions`). */
export interface RemediationAction {
  action_id: string;
  title: string;
  description: string;
  risk: 'low' | 'medium' | 'high';
  approval: Approval;
  executor: 'http' | 'command' | 'manual';
  state: string;
}

/** One run of an action, as `POST /api/v1/incidents/{id}/actions/{action_id}` answers it. */
export interface ActionRun {
  run_id: string;
  action_id: string;
  status: string;
  detail: string | null;
}

/** The body of a run: who approved it, where its risk needs an approval. */
export interface RunActionBody {
  approved_by?: string;
  dry_run?: boolean;
}

/** The filters of `GET /api/v1/incidents` that the panel sets. */
export interface IncidentFilters {
  status?: string;
  severity?: string;
  component?: string;
  /** ISO 8601: incidents detected since then (not sent for active incidents, which are news however old). */
  since?: string;
  limit?: number;
}

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
