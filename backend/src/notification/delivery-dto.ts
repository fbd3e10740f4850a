import type { OutboxRecord } from '../domain/records';
import type { Delivery } from '../schema/notifications';
import { iso } from '../util/time';

/** A delivery as the API returns it: no message body (it may name receivers' details), just its fate. */
export function deliveryDto(r: OutboxRecord): Delivery {
  return {
    delivery_id: r.delivery_id,
    incident_id: r.incident_id,
    receiver: r.receiver,
    channel_type: r.channel_type,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    last_status: r.last_status,
    last_error: r.last_error,
    created_at: iso(r.created_at),
    next_attempt_at: iso(r.next_attempt_at),
    sent_at: iso(r.sent_at),
    last_attempt_at: iso(r.last_attempt_at),
  };
}
