import type { StoredEvent } from '../domain/records';

/**
 * The ports the engine's step names instead of adapters: the store's event log and the metrics
 * implement them (store/event-log.ts, metrics/metrics.ts), and unit tests pass in-memory ones.
 */

/** Stored events, read back by the step when a window or a correlation id names ones it no longer holds. */
export interface EventLookup {
  /** The events at these places in the log. */
  bySeqs(seqs: number[]): Promise<StoredEvent[]>;
  /** The events of these correlation ids at or after `minTs`, logged before `beforeSeq`. */
  correlated(correlationIds: string[], minTs: number, beforeSeq: number): Promise<StoredEvent[]>;
}

/** Counts what the step opens, by type and severity. */
export interface StepMetrics {
  incidentsCreated: { inc(labels: { incident_type: string; severity: string }): void };
}
