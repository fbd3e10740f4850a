import type { NewEvent, StoredEvent } from '../domain/records';
import type { EventLog } from '../store/event-log';
import type { IngestResult } from '../schema/events';

interface Pending {
  events: NewEvent[];
  resolve: (r: IngestResult) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitDeps {
  /** Appends in one transaction; returns the events that were new. */
  append: (events: NewEvent[]) => Promise<StoredEvent[]>;
  /** Hands committed events on (to the engine); awaited before requests are answered. */
  afterCommit: (stored: StoredEvent[]) => Promise<void>;
  maxRows: number;
  onError: (err: unknown) => void;
}

/**
 * Group commit: requests that arrive while a commit is running share the next one, so durability
 * costs one transaction per burst rather than one per request. A request is answered only after
 * its events are committed.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private running = false;

  constructor(private readonly deps: GroupCommitDeps) {}

  submit(events: NewEvent[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves once nothing is waiting or being committed. */
  async flushed(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      await new Promise((r) => setImmediate(r));
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        await this.commitGroup(group);
      }
    } finally {
      this.running = false;
    }
  }

  private take(): Pending[] {
    const group: Pending[] = [];
    let rows = 0;
    while (this.queue.length > 0 && (group.length === 0 || rows + this.queue[0].events.length <= this.deps.maxRows)) {
      const p = this.queue.shift()!;
      rows += p.events.length;
      group.push(p);
    }
    return group;
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    let stored: StoredEvent[];
    try {
      stored = await this.deps.append(group.flatMap((p) => p.events));
    } catch (err) {
      for (const p of group) {
        p.reject(err);
      }
      return;
    }
    try {
      await this.deps.afterCommit(stored);
    } catch (err) {
      // The events are durable; the engine picks them up again from its checkpoint.
      this.deps.onError(err);
    }
    const fresh = new Set(stored.map((e) => e.event_id));
    for (const p of group) {
      let accepted = 0;
      for (const e of p.events) {
        if (fresh.delete(e.event_id)) {
          accepted += 1;
        }
      }
      p.resolve({ accepted, duplicates: p.events.length - accepted });
    }
  }
}
