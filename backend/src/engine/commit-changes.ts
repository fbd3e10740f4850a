import type { ChangedIncidents } from '../domain/records';
import type { Store } from '../store/store';
import { CHECKPOINT_KEY } from '../store/store';
import type { Changes } from './changes';

/**
 * Writes a step's changes in one transaction. `fence`, when given, runs first in it with the
 * incidents this commit creates and updates (it throws when this replica may no longer write).
 */
export async function commitChanges(changes: Changes, store: Store, now: number, fence?: (tx: Store, changed: ChangedIncidents) => Promise<void>): Promise<void> {
  if (changes.empty) {
    return;
  }
  const w = changes.writes();
  await store.transaction(async (tx) => {
    await fence?.(tx, { created: w.created.map((i) => i.incident_id), updated: w.updated.map((i) => i.incident_id) });
    for (const { run, isNew } of w.runs) {
      await (isNew ? tx.actions.insert(run) : tx.actions.update(run));
    }
    await tx.outbox.insert(w.outbox);
    for (const [id, mark] of w.postmortems) {
      const pm = await tx.postmortems.get(id);
      await tx.postmortems.put({ ...pm, generated_at: mark === 'generated' ? now : (pm.generated_at ?? now), refreshed_at: mark === 'refreshed' ? now : pm.refreshed_at });
    }
    for (const inc of w.created) {
      await tx.incidents.insert(inc);
    }
    for (const inc of w.updated) {
      await tx.incidents.update(inc);
    }
    for (const [id, seqs] of w.attachments) {
      await tx.incidents.attachEvents(id, seqs);
    }
    await tx.incidents.addTimeline(w.entries);
    for (const g of w.groups) {
      await tx.rules.setGroup(g.ruleId, g.groupKey, g.patch);
    }
    if (w.checkpoint !== null) {
      await tx.meta.setNumber(CHECKPOINT_KEY, w.checkpoint);
    }
  });
}
