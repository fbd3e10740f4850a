import type { NotificationMessage } from '../../channel';

/** The JSON a webhook receiver gets: the flat fields first, then the whole incident. */
export function webhookBody(msg: NotificationMessage) {
  const i = msg.incident;
  return {
    incident_id: i.incident_id,
    type: i.incident_type,
    severity: i.severity,
    status: i.status,
    title: i.title,
    url: msg.url,
    event: msg.kind,
    headline: msg.headline,
    details: msg.details,
    delivery_id: msg.delivery_id,
    timestamp: msg.created_at,
    incident: i,
  };
}

/** The body a webhook receiver gets, as a type receivers in tests can parse into. */
export type WebhookBody = ReturnType<typeof webhookBody>;
