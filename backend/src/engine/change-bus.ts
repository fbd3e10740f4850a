import { EventEmitter } from 'node:events';
import type { IncidentRecord } from '../domain/records';

/** A committed change of an incident, as the live stream and the notifier see it. */
export interface IncidentChange {
  type: 'incident_created' | 'incident_updated';
  incident: IncidentRecord;
}

/** Fans committed incident changes out to subscribers (the SSE stream, later the notifier). */
export class ChangeBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(change: IncidentChange): void {
    this.emitter.emit('change', change);
  }

  subscribe(fn: (change: IncidentChange) => void): () => void {
    this.emitter.on('change', fn);
    return () => this.emitter.off('change', fn);
  }
}
