import type { EventSeverity } from '../../schema/enums';
import {
  computeFingerprint,
  groupKeyHash,
  incidentTypeFromLabel,
  isZeroTime,
  nonEmpty,
  severityFromLabel,
} from './alert-fields';

/** Which webhook an event came in through. */
export type WebhookOrigin = 'alertmanager' | 'grafana';

/** Whether an alert is firing or has resolved, as its sender reported it. */
export type AlertStatus = 'firing' | 'resolved';

/** Grafana-only details, copied into metadata when the payload has them. */
export interface GrafanaAlertExtras {
  org_id?: number;
  dashboard_url?: string;
  panel_url?: string;
  values?: Record<string, number | null>;
}

/** What the engine gets to know about the alert behind a webhook event. */
export interface WebhookEventMetadata extends GrafanaAlertExtras {
  origin: WebhookOrigin;
  alertname: string | null;
  fingerprint: string;
  group_key: string;
  status: AlertStatus;
  /** A known incident type named by the `incident_type` label, else null (the engine decides). */
  incident_type: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generator_url: string | null;
  receiver: string;
  external_url: string | null;
}

/** One alert of a webhook payload as an event, in the shape `POST /api/v1/events` takes. */
export interface WebhookEvent {
  /** `${origin}:${groupKeyHash}:${fingerprint}:${startsAt}:${status}`: a re-delivered payload dedups. */
  event_id: string;
  timestamp: string;
  event_type: 'alert_firing' | 'alert_resolved';
  source: string;
  severity: EventSeverity;
  message: string;
  metadata: WebhookEventMetadata;
  correlation_id: null;
}

/** The parts of one alert the mapping reads, common to both senders. */
export interface AlertInput {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
  fingerprint?: string;
}

/** What an alert inherits from the payload that carried it. */
export interface AlertContext {
  origin: WebhookOrigin;
  groupKey: string;
  receiver: string;
  externalURL: string | null;
  /** Last message fallback before the literal 'alert' (Grafana: the notification title). */
  fallbackMessage?: string;
  /** Sender-specific metadata to merge in. */
  extras?: GrafanaAlertExtras;
}

// Same bounds as the event input schema, so an oversized label cannot get a whole
// webhook rejected when the events are ingested.
const MAX_SOURCE = 256;
const MAX_MESSAGE = 8192;

/**
 * Text fit for an event: lone surrogates and NUL (which the event schema refuses, as a store cannot
 * keep them) replaced by U+FFFD, and cut to `max` without splitting a surrogate pair.
 */
function eventText(text: string, max = Infinity): string {
  const clean = text.replace(/[\p{Cs}\u0000]/gu, '\uFFFD');
  if (clean.length <= max) {
    return clean;
  }
  const cut = clean.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** Maps one alert to one event. Pure and deterministic: same alert, same event. */
export function mapAlert(alert: AlertInput, ctx: AlertContext): WebhookEvent {
  const { labels, annotations, status } = alert;
  const fingerprint = alert.fingerprint || computeFingerprint(labels);
  const resolvedAt = alert.endsAt !== undefined && !isZeroTime(alert.endsAt) ? alert.endsAt : alert.startsAt;
  const alertname = nonEmpty(labels, 'alertname') ?? null;

  const source = nonEmpty(labels, 'service') ?? nonEmpty(labels, 'job') ?? nonEmpty(labels, 'instance') ?? ctx.origin;
  const message =
    nonEmpty(annotations, 'summary') ??
    nonEmpty(annotations, 'description') ??
    alertname ??
    (ctx.fallbackMessage || undefined) ??
    'alert';

  return {
    event_id: eventText([ctx.origin, groupKeyHash(ctx.groupKey), fingerprint, alert.startsAt, status].join(':')),
    timestamp: status === 'firing' ? alert.startsAt : resolvedAt,
    event_type: status === 'firing' ? 'alert_firing' : 'alert_resolved',
    source: eventText(source, MAX_SOURCE),
    severity: severityFromLabel(labels.severity),
    message: eventText(message, MAX_MESSAGE),
    metadata: {
      origin: ctx.origin,
      alertname,
      fingerprint,
      group_key: ctx.groupKey,
      status,
      incident_type: incidentTypeFromLabel(labels.incident_type),
      labels,
      annotations,
      generator_url: alert.generatorURL || null,
      receiver: ctx.receiver,
      external_url: ctx.externalURL,
      ...ctx.extras,
    },
    correlation_id: null,
  };
}
