import type { OutboxRecord } from '../domain/records';
import type { Changes } from '../engine/changes';
import type { Store } from '../store/store';
import type { Channel } from './channel';
import type { Route } from './config';
import { buildMessage, deliveryId } from './messages';
import { receiversFor } from './routing';

/**
 * The IncidentNotifier: turns what an engine step wants said into outbox rows, one per
 * receiver, written in the same transaction as the change itself. The relay delivers them.
 */
export class IncidentNotifier {
  constructor(
    readonly channels: ReadonlyMap<string, Channel>,
    private readonly routes: readonly Route[],
    private readonly publicUrl: string | null
  ) {}

  /** Routes the step's notices into its outbox rows. Incidents are snapshot as the step leaves them. */
  async route(changes: Changes, store: Store, now: number): Promise<void> {
    const created = new Set(changes.notices.filter((n) => n.kind === 'incident_created').map((n) => n.incident.incident_id));
    const before = new Map<string, string[]>();
    // An incident opened and resolved in one step is announced before its resolution is.
    const ordered = [...changes.notices.filter((n) => n.kind === 'incident_created'), ...changes.notices.filter((n) => n.kind !== 'incident_created')];
    for (const n of ordered) {
      const id = n.incident.incident_id;
      // A new incident's message already carries its final severity.
      if (n.kind === 'severity_changed' && created.has(id)) {
        continue;
      }
      if (!before.has(id)) {
        before.set(id, created.has(id) ? [] : await store.outbox.receiversOf(id));
      }
      const receivers = receiversFor(n.incident, n.kind, this.channels, this.routes, before.get(id)!);
      const message = buildMessage(n.incident, n.kind, n.details, n.at, this.publicUrl);
      for (const name of receivers) {
        const channel = this.channels.get(name)!;
        const row: OutboxRecord = {
          delivery_id: deliveryId(id, n.kind),
          incident_id: id,
          receiver: name,
          channel_type: channel.type,
          kind: n.kind,
          message: { ...message, delivery_id: '' },
          status: 'pending',
          attempts: 0,
          last_status: null,
          last_error: null,
          created_at: now,
          next_attempt_at: now,
          sent_at: null,
          last_attempt_at: null,
        };
        row.message.delivery_id = row.delivery_id;
        changes.outbox.push(row);
        before.get(id)!.push(name);
      }
    }
  }
}
