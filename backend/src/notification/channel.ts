import type { Incident } from '../schema/incidents';

/** What the notifier tells people about (the list, plus acknowledgements for PagerDuty). */
export const NOTIFICATION_KINDS = ['incident_created', 'severity_changed', 'acknowledged', 'approval_needed', 'action_failed', 'resolved'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One message for one receiver, as the outbox holds it and a channel renders it. */
export interface NotificationMessage {
  kind: NotificationKind;
  /** The incident as the API returns it, at the moment the change was committed. */
  incident: Incident;
  /** Link to the incident in Grafana (or the standalone dashboard); null when no public URL is configured. */
  url: string | null;
  /** Shared by every message about one incident (PagerDuty's `dedup_key`): the incident id. */
  dedup_key: string;
  /** Unique per outbox row and stable across retries and restarts, so receivers can drop repeats. */
  delivery_id: string;
  /** One line saying what happened, e.g. "New incident inc_00001: Error Burst - 2026-11-26 10:30". */
  headline: string;
  /** What changed, by kind: `{from, to}` for severity, `{action, risk, ...}` for approvals and failures. */
  details: Record<string, unknown>;
  /** When the change happened (ISO 8601). */
  created_at: string;
}

/** How one attempt ended: delivered, worth retrying (maybe not before `retryAfterMs`), or final. */
export type DeliveryResult =
  | { outcome: 'sent'; status?: number }
  | { outcome: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { outcome: 'failed'; reason: string; status?: number };

/** The channel types a receiver can have; the default routes name types, routes name receivers. */
export const CHANNEL_TYPES = ['log', 'slack', 'pagerduty', 'email', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A configured receiver: one folder per type under `channels/`, each with a factory and a config schema. */
export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  /** Which kinds this channel is told about (PagerDuty also takes acknowledgements; the others do not). */
  accepts(kind: NotificationKind): boolean;
  /** One attempt. Never throws: every failure is a DeliveryResult whose reason holds no secret. */
  send(msg: NotificationMessage): Promise<DeliveryResult>;
}
