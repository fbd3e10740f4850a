import { EventEmitter } from 'node:events';
import type { IncidentRecord } from '../domain/records';

/** A committed change of an incident, as the live stream and the notifier see it. */
export interface IncidentChange {
  type: 'incident_created' | 'incident_updated';
  incident: IncidentRecord;
}

/** Each change as one server-sent event, serialized once for every stream that writes it. */
const frames = new WeakMap<IncidentChange, string>();

/** The change as a server-sent event frame (`event:` and `data:` lines); `dto` maps the record to its wire shape. */
export function sseFrame(change: IncidentChange, dto: (incident: IncidentRecord) => unknown): string {
  let frame = frames.get(change);
  if (frame === undefined) {
    frame = `event: ${change.type}\ndata: ${JSON.stringify(dto(change.incident))}\n\n`;
    frames.set(change, frame);
  }
  return frame;
}

/**
 * Fans committed incident changes out to subscribers (the SSE streams). A change's incident is the
 * engine's own record, as committed: read it during the call and copy what you keep.
 */
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
