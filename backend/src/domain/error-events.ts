import type { StoredEvent } from './records';

const ERROR_TYPE = /error|fail|down|unavailable|timeout|exhaust/i;

/** An event counts as an error when its type names a failure or its severity is high or critical. */
export function isErrorEvent(e: Pick<StoredEvent, 'event_type' | 'severity'>): boolean {
  return ERROR_TYPE.test(e.event_type) || e.severity === 'high' || e.severity === 'critical';
}
