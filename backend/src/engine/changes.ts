import type { IncidentRecord, LifecycleEntry } from '../domain/records';
import type { Store } from '../store/store';
import { CHECKPOINT_KEY } from '../store/store';
import type { IncidentChange } from './change-bus';

/** The writes one engine step makes, committed in one transaction. */
export class Changes {
  private readonly created = new Map<string, IncidentRecord>();
  private readonly updated = new Map<string, IncidentRecord>();
  private readonly attachments = new Map<string, number[]>();
  private readonly entries: LifecycleEntry[] = [];
  private readonly floors: Array<{ rule_id: string; group_key: string; floor_seq: number }> = [];
  checkpoint: number | null = null;

  create(inc: IncidentRecord): void {
    this.created.set(inc.incident_id, inc);
  }

  touch(inc: IncidentRecord, now: number): void {
    inc.updated_at = now;
    if (!this.created.has(inc.incident_id)) {
      this.updated.set(inc.incident_id, inc);
    }
  }

  attach(incidentId: string, seqs: number[]): void {
    const list = this.attachments.get(incidentId);
    if (list) {
      list.push(...seqs);
    } else {
      this.attachments.set(incidentId, [...seqs]);
    }
  }

  timeline(entry: LifecycleEntry): void {
    this.entries.push(entry);
  }

  floor(rule_id: string, group_key: string, floor_seq: number): void {
    this.floors.push({ rule_id, group_key, floor_seq });
  }

  get empty(): boolean {
    return (
      this.created.size === 0 &&
      this.updated.size === 0 &&
      this.attachments.size === 0 &&
      this.entries.length === 0 &&
      this.floors.length === 0 &&
      this.checkpoint === null
    );
  }

  async commit(store: Store): Promise<void> {
    if (this.empty) {
      return;
    }
    await store.transaction(async (tx) => {
      for (const inc of this.created.values()) {
        await tx.incidents.insert(inc);
      }
      for (const inc of this.updated.values()) {
        await tx.incidents.update(inc);
      }
      for (const [id, seqs] of this.attachments) {
        await tx.incidents.attachEvents(id, seqs);
      }
      await tx.incidents.addTimeline(this.entries);
      for (const f of this.floors) {
        await tx.rules.setFloor(f.rule_id, f.group_key, f.floor_seq);
      }
      if (this.checkpoint !== null) {
        await tx.meta.setNumber(CHECKPOINT_KEY, this.checkpoint);
      }
    });
  }

  /** What subscribers hear once the commit is durable. Snapshots, so later changes do not leak in. */
  published(): IncidentChange[] {
    const out: IncidentChange[] = [];
    for (const inc of this.created.values()) {
      out.push({ type: 'incident_created', incident: structuredClone(inc) });
    }
    for (const inc of this.updated.values()) {
      out.push({ type: 'incident_updated', incident: structuredClone(inc) });
    }
    return out;
  }

  get createdIncidents(): IncidentRecord[] {
    return [...this.created.values()];
  }
}
