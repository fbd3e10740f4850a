import type { EventSeverity, IncidentStatus, IncidentType, Severity } from '../schema/enums';
import type { RunStatus, Verification } from '../schema/remediation';
import type { NotificationKind, NotificationMessage } from '../notification/channel';
import type { Note, RootCause } from '../schema/incidents';

/** An event as stored in the log: `seq` is its place in the log, times are epoch ms. */
export interface StoredEvent {
  seq: number;
  event_id: string;
  /** Event time, clamped to arrival when it lay in the future. */
  ts: number;
  received_at: number;
  event_type: string;
  source: string;
  severity: EventSeverity;
  message: string;
  metadata: Record<string, unknown>;
  correlation_id: string | null;
}

/** An event ready to append: everything but its place in the log. */
export type NewEvent = Omit<StoredEvent, 'seq'>;

/** The status of each alert an external incident holds, by fingerprint: true once resolved. */
export type AlertStates = Record<string, boolean>;

/** An incident as the engine and the store hold it (times in epoch ms). */
export interface IncidentRecord {
  incident_id: string;
  incident_type: IncidentType;
  severity: Severity;
  status: IncidentStatus;
  title: string;
  description: string;
  rule_id: string | null;
  group_key: string | null;
  detected_at: number;
  started_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  closed_at: number | null;
  closed_by: string | null;
  affected_components: string[];
  event_count: number;
  assigned_to: string | null;
  root_cause: RootCause | null;
  notes: Note[];
  last_event_at: number | null;
  recovering_since: number | null;
  status_before_recovery: IncidentStatus | null;
  alerts: AlertStates;
  updated_at: number;
}

/** A lifecycle entry of an incident's timeline (events are joined in when read). */
export interface LifecycleEntry {
  incident_id: string;
  at: number;
  entry_type: string;
  message: string;
  actor: string | null;
  data: Record<string, unknown> | null;
}

/** One run of a remediation action as the store holds it (times in epoch ms). */
export interface ActionRunRecord {
  run_id: string;
  incident_id: string;
  action_id: string;
  idempotency_key: string;
  trigger: 'auto' | 'manual';
  dry_run: boolean;
  status: RunStatus;
  requested_by: string | null;
  approved_by: string | null;
  params: Record<string, string>;
  plan: Record<string, unknown> | null;
  detail: string | null;
  output: string | null;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
  verification: Verification | null;
  verify_until: number | null;
}

/** A notification waiting in (or delivered from) the outbox, for one receiver. */
export interface OutboxRecord {
  delivery_id: string;
  incident_id: string;
  receiver: string;
  channel_type: string;
  kind: NotificationKind;
  message: NotificationMessage;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  next_attempt_at: number | null;
  sent_at: number | null;
  /** When the latest attempt started; counted in `attempts` before the message went out. */
  last_attempt_at: number | null;
}
