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
 * its events are committed and handed on (processed by the engine).
 *
 * Appends run one at a time, in order, and so do the hand-overs, in the same order; but the next
 * group is appended while the engine still works on the one before (at most one step behind), so
 * that a commit's round trips (PostgreSQL's) and the engine's work overlap instead of adding up.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private running = false;
  /** Set while the drain waits on the step behind with nothing queued: a new request ends the wait. */
  private wake: (() => void) | null = null;

  constructor(private readonly deps: GroupCommitDeps) {}

  submit(events: NewEvent[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      } else if (this.wake) {
        this.wake();
        this.wake = null;
      }
    });
  }

  /** Resolves once nothing is waiting, being committed or being handed on. */
  async flushed(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      await new Promise((r) => setImmediate(r));
    }
  }

  private async drain(): Promise<void> {
    // The hand-over of the group before, still running while the next one is appended.
    let behind: Promise<void> | null = null;
    try {
      // `running` stays set until the queue is seen empty with nothing behind: what arrives
      // meanwhile is queued without a new drain, so it must be taken here.
      for (;;) {
        if (this.queue.length === 0) {
          if (!behind) {
            break;
          }
          // Wait for the step behind to finish, or for a request to append meanwhile.
          const finished = await Promise.race([
            behind.then(() => true),
            // After the requests that arrive in the same turn of the event loop, as they share a group.
            new Promise<boolean>((resolve) => (this.wake = () => setImmediate(() => resolve(false)))),
          ]);
          this.wake = null;
          if (finished) {
            behind = null;
          }
          continue;
        }
        const group = this.take();
        let stored: StoredEvent[] | null = null;
        try {
          stored = await this.deps.append(group.flatMap((p) => p.events));
        } catch (err) {
          for (const p of group) {
            p.reject(err);
          }
        }
        if (stored) {
          // Handed on in log order: the engine queues this step after the one before.
          const step = this.handOn(group, stored);
          if (behind) {
            await behind;
          }
          behind = step;
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async handOn(group: Pending[], stored: StoredEvent[]): Promise<void> {
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
}
