import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../domain/records';
import type { ParsedEventInput } from '../schema/events';
import { eventTime } from '../util/time';

/**
 * Turns a validated event into what the log stores: a generated id when none was sent, event time
 * defaulting to arrival and clamped to it when it lies in the future.
 */
export function normalizeEvent(input: ParsedEventInput, receivedAt: number): NewEvent {
  const ts = eventTime(input.timestamp, receivedAt);
  return {
    event_id: input.event_id ?? `evt_${randomUUID()}`,
    ts: Math.min(ts, receivedAt),
    received_at: receivedAt,
    event_type: input.event_type,
    source: input.source,
    severity: input.severity,
    message: input.message,
    metadata: input.metadata,
    correlation_id: input.correlation_id ?? null,
  };
}
