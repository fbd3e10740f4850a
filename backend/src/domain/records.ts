import type { EventSeverity, IncidentStatus } from '../schema/enums';
import type { RunStatus, Verification } from '../schema/remediation';
import type { NotificationKind, NotificationMessage } from '../schema/notifications';
import type { Incident, INCIDENT_FIGURES, INCIDENT_TIMES } from '../schema/incidents';

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

type IncidentTime = (typeof INCIDENT_TIMES)[number];

/**
 * An incident as the engine and the store hold it: the wire's shape (`IncidentSchema`, the one
 * definition of an incident's fields) with its times in epoch ms and without the figures computed
 * from them, plus what the engine keeps for itself and never sends.
 */
export type IncidentRecord = Omit<Incident, IncidentTime | (typeof INCIDENT_FIGURES)[number]> & {
  [K in IncidentTime]: null extends Incident[K] ? number | null : number;
} & {
  /** When it moved to recovering (epoch ms). */
  recovering_since: number | null;
  /** The status to go back to when a matching event arrives while recovering. */
  status_before_recovery: IncidentStatus | null;
  alerts: AlertStates;
};

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

/** What the store keeps of a rule group between restarts: the log position its counting starts after (its floor), and its crossing. */
export interface RuleGroup {
  rule_id: string;
  group_key: string;
  floor_seq: number;
  crossed_at: number | null;
}

export type RuleGroupPatch = Partial<Pick<RuleGroup, 'floor_seq' | 'crossed_at'>>;

/** The incidents an engine commit created and updated, by id. */
export interface ChangedIncidents {
  created: string[];
  updated: string[];
}
