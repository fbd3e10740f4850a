/*
 * The wire shapes the panel reads. The source of truth is the backend's schema
 * (backend/src/schema/incidents.ts, remediation.ts, enums.ts); the plugin's tsconfig (rootDir `src/`)
 * cannot import it yet, so only the fields the panel uses are written here.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATUSES = [
  'detected',
  'assessing',
  'containing',
  'investigating',
  'remediating',
  'recovering',
  'resolved',
  'closed',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

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
