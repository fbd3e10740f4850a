import { createHash } from 'node:crypto';
import type { NotificationKind, NotificationMessage } from '../../channel';
import type { Incident } from '../../../schema/incidents';
import { oneLine, truncate } from '../text';
import type { PagerDutyChannelConfig } from './config';
import {
  PAGERDUTY_MAX_BODY_BYTES,
  type PagerDutyEventV2,
  type PagerDutySeverity,
  type PagerDutyTrigger,
} from './events-v2.schema';

/** The kinds PagerDuty hears about, and the event action each becomes. */
export const PAGERDUTY_ACTIONS: Partial<Record<NotificationKind, PagerDutyEventV2['event_action']>> = {
  incident_created: 'trigger',
  // A second trigger with the same dedup_key lands on the open alert instead of paging anew.
  severity_changed: 'trigger',
  acknowledged: 'acknowledge',
  resolved: 'resolve',
};

/** Our four severities onto PagerDuty's; "high" is PagerDuty's "error", which still pages on high-urgency services. */
const SEVERITY: Record<Incident['severity'], PagerDutySeverity> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
};

/** Shown in PagerDuty as the alert's sender. */
export const PAGERDUTY_CLIENT = 'Mahavishnu Incident Response';

const MAX_DEDUP_KEY = 255;

/** The dedup_key as PagerDuty takes it: as is up to 255 characters, else a readable prefix plus a hash, the same for every event. */
export function pagerDutyDedupKey(key: string): string {
  if (key.length <= MAX_DEDUP_KEY) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, MAX_DEDUP_KEY - hash.length - 1)}:${hash}`;
}

function customDetails(msg: NotificationMessage): Record<string, unknown> {
  const i = msg.incident;
  return {
    incident_id: i.incident_id,
    title: i.title,
    description: i.description,
    status: i.status,
    severity: i.severity,
    incident_type: i.incident_type,
    affected_components: i.affected_components,
    event_count: i.event_count,
    detected_at: i.detected_at,
    notification: msg.kind,
    details: msg.details,
    root_cause: i.root_cause,
    url: msg.url,
    delivery_id: msg.delivery_id,
  };
}

/** Smaller details for an incident too big for PagerDuty: long texts cut, nested values as cut JSON. */
function trimmedDetails(msg: NotificationMessage): Record<string, unknown> {
  const i = msg.incident;
  return {
    incident_id: i.incident_id,
    title: truncate(i.title, 1024),
    description: truncate(i.description, 2000),
    status: i.status,
    severity: i.severity,
    incident_type: i.incident_type,
    affected_components: i.affected_components.slice(0, 20).map((c) => truncate(c, 256)),
    event_count: i.event_count,
    notification: msg.kind,
    details: truncate(JSON.stringify(msg.details) ?? '', 4000),
    root_cause: truncate(JSON.stringify(i.root_cause) ?? '', 4000),
    trimmed: 'details were cut to fit PagerDuty’s 512 KB limit',
  };
}

function trigger(msg: NotificationMessage, cfg: PagerDutyChannelConfig, dedupKey: string): PagerDutyTrigger {
  const i = msg.incident;
  const summary = oneLine(msg.headline) || oneLine(i.title) || `Incident ${i.incident_id}`;
  const event: PagerDutyTrigger = {
    routing_key: cfg.routing_key,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: truncate(summary, 1024),
      source: truncate(cfg.source ?? i.affected_components[0] ?? 'mahavishnu', 1024),
      severity: SEVERITY[i.severity],
      timestamp: msg.created_at,
      class: i.incident_type,
      custom_details: customDetails(msg),
    },
    client: PAGERDUTY_CLIENT,
  };
  if (i.affected_components.length > 0) event.payload.component = truncate(i.affected_components.join(', '), 1024);
  if (i.rule_id !== null) event.payload.group = truncate(i.rule_id, 1024);
  if (msg.url !== null) {
    event.links = [{ href: msg.url, text: 'Open incident' }];
    event.client_url = msg.url;
  }
  return event;
}

const bytes = (event: PagerDutyEventV2) => Buffer.byteLength(JSON.stringify(event));

/** Shrinks custom_details, in two steps, until the body is under PagerDuty's 512 KB. */
function fit(event: PagerDutyTrigger, msg: NotificationMessage): PagerDutyTrigger {
  if (bytes(event) < PAGERDUTY_MAX_BODY_BYTES) return event;
  const trimmed = { ...event, payload: { ...event.payload, custom_details: trimmedDetails(msg) } };
  if (bytes(trimmed) < PAGERDUTY_MAX_BODY_BYTES) return trimmed;
  return { ...event, payload: { ...event.payload, custom_details: { incident_id: msg.incident.incident_id } } };
}

/** The Events API v2 request for `msg`, or null for a kind PagerDuty is not told about. */
export function pagerDutyEvent(msg: NotificationMessage, cfg: PagerDutyChannelConfig): PagerDutyEventV2 | null {
  const action = PAGERDUTY_ACTIONS[msg.kind];
  if (action === undefined) return null;
  const dedupKey = pagerDutyDedupKey(msg.dedup_key);
  if (action === 'trigger') return fit(trigger(msg, cfg, dedupKey), msg);
  return { routing_key: cfg.routing_key, dedup_key: dedupKey, event_action: action };
}
