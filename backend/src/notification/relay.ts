import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { OutboxRecord } from '../domain/records';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import type { Channel, DeliveryResult } from './channel';

export interface RelayOptions {
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxAttempts: number;
  intervalMs: number;
  /** This replica, as its claims on outbox rows name it: unique per process. */
  owner: string;
  /**
   * How long a claim holds; renewed before each attempt, so it must outlast the longest attempt
   * (every receiver's timeout). A row claimed by a replica that died is sent by another after this.
   */
  claimMs: number;
  /** Told of a failed pass; true when it was a store fault (the store's health logs those, once). */
  storeFault?: (err: unknown) => boolean;
}

const BATCH = 500;
const KICK_DELAY_MS = 5;
/** Claims in a row for one receiver while each frees the next message of some incident. */
const MAX_PASSES = 32;

/**
 * Delivers the outbox: at least once, recorded as sent only after the receiver said yes. Retries 5xx
 * and timeouts with exponential backoff, waits for 429's Retry-After, gives up at once on other 4xx.
 * Each receiver is worked on its own, so a slow one delays nobody else; within a receiver an
 * incident's messages keep their order (a resolve never overtakes its trigger).
 *
 * Several replicas may run it over one database: each row is claimed by one of them (`owner`) for
 * `claimMs` before it is sent, and only the head of an incident's queue to a receiver can be
 * claimed, so the order holds across replicas too. A claim ends with the attempt's record, or when
 * it expires (the replica died): then any replica may take the row.
 */
export class NotificationRelay {
  private readonly busy = new Map<string, Promise<void>>();
  /** Claims are made one at a time, so each leaves out the receivers the ones before set to work. */
  private claiming: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private kickTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly channels: ReadonlyMap<string, Channel>,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly opts: RelayOptions
  ) {}

  /** A new replica id, `host:pid:random`: unique even for a process that reuses a pid, or two relays in one process. */
  static newOwner(): string {
    return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
  }

  /** Polls on a timer; `kick` makes it look almost at once. */
  start(): void {
    this.timer = setInterval(() => {
      this.run();
      this.store.outbox.pendingCount().then((n) => this.metrics.notificationsPending.set(n), () => undefined);
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  /** Something was committed to the outbox: look soon. Kicks in a burst share one scan. */
  kick(): void {
    if (!this.closed && !this.kickTimer) {
      this.kickTimer = setTimeout(() => {
        this.kickTimer = null;
        this.run();
      }, KICK_DELAY_MS);
    }
  }

  private run(): void {
    if (!this.closed) {
      this.tick().catch((err) => {
        if (!this.opts.storeFault?.(err)) {
          this.logger.error({ err }, 'notification relay failed; it retries on its next tick');
        }
      });
    }
  }

  /**
   * One pass: claims what is due for every idle receiver and starts its work; resolves when that
   * work is done. A receiver's work claims again as long as it frees further messages (up to
   * MAX_PASSES), so a burst about one incident goes out at once, not one message per tick.
   */
  async tick(): Promise<void> {
    const started: Array<Promise<void>> = [];
    const step = this.claiming.then(async () => {
      if (this.closed) {
        return;
      }
      const byReceiver = new Map<string, OutboxRecord[]>();
      for (const r of await this.claim({ except: [...this.busy.keys()] })) {
        const list = byReceiver.get(r.receiver);
        if (list) {
          list.push(r);
        } else {
          byReceiver.set(r.receiver, [r]);
        }
      }
      for (const [receiver, list] of byReceiver) {
        const work = this.work(receiver, list).finally(() => this.busy.delete(receiver));
        this.busy.set(receiver, work);
        started.push(work);
      }
    });
    this.claiming = step.catch(() => undefined);
    await step;
    await Promise.all(started);
  }

  /** Waits for claims and deliveries in flight (used at shutdown and by tests). */
  async settle(): Promise<void> {
    do {
      await this.claiming;
      await Promise.all([...this.busy.values()]);
    } while (this.busy.size > 0);
  }

  close(): void {
    this.closed = true;
    if (this.timer) {
      clearInterval(this.timer);
    }
    if (this.kickTimer) {
      clearTimeout(this.kickTimer);
    }
  }

  /** Delivers a receiver's claimed rows, then claims its next ones while that freed any. */
  private async work(receiver: string, first: OutboxRecord[]): Promise<void> {
    let rows = first;
    for (let pass = 1; ; pass++) {
      const freed = await this.deliverAll(rows);
      if (freed === 0 || this.closed || pass >= MAX_PASSES) {
        return;
      }
      rows = await this.claim({ only: receiver });
      if (rows.length === 0) {
        return;
      }
    }
  }

  /** Claims due rows for this replica; none once the relay is closing (what it claimed meanwhile is released). */
  private async claim(receivers: { only?: string; except?: readonly string[] }): Promise<OutboxRecord[]> {
    const rows = await this.store.outbox.claim(this.opts.owner, this.clock.now(), this.opts.claimMs, BATCH, receivers);
    if (this.closed) {
      await this.store.outbox.release(this.opts.owner, rows.map((r) => r.delivery_id));
      return [];
    }
    return rows;
  }

  /**
   * Sends claimed rows one after another; how many are done with (each frees its incident's next
   * message). The rows are queue heads, one per incident: an incident whose message is to be retried
   * has nothing else claimable until that message is due again, which keeps its order. A row not
   * attempted (closing, or an error) has its claim released; one whose claim was lost is another's.
   */
  private async deliverAll(rows: OutboxRecord[]): Promise<number> {
    const unattempted = new Set(rows.map((r) => r.delivery_id));
    let freed = 0;
    try {
      for (const row of rows) {
        if (this.closed) {
          break;
        }
        unattempted.delete(row.delivery_id);
        // Counted before it goes out, the claim renewed for the whole attempt (a later row's may have
        // run down while the ones before it were sent); a row whose claim was lost is another's.
        const attempt = await this.store.outbox.beginAttempt(this.opts.owner, row.delivery_id, this.clock.now(), this.opts.claimMs);
        if (attempt === null) {
          continue;
        }
        if ((await this.deliver(row, attempt)) === 'done') {
          freed += 1;
        }
      }
    } finally {
      await this.store.outbox.release(this.opts.owner, [...unattempted]);
    }
    return freed;
  }

  /** Attempt number `attempts`: done (sent or finally failed), retry (later), or lost (another replica took it meanwhile). */
  private async deliver(row: OutboxRecord, attempts: number): Promise<'done' | 'retry' | 'lost'> {
    const channel = this.channels.get(row.receiver);
    const result: DeliveryResult = channel
      ? await channel.send(row.message).catch((err: unknown) => ({ outcome: 'retry' as const, reason: `channel error: ${(err as Error).name}` }))
      : { outcome: 'failed', reason: `receiver "${row.receiver}" is no longer configured` };
    const now = this.clock.now();
    let outcome = result.outcome;
    let next: number | null = null;
    let reason = result.outcome === 'sent' ? null : result.reason;
    if (result.outcome === 'retry') {
      if (attempts >= this.opts.maxAttempts) {
        outcome = 'failed';
        reason = `gave up after ${attempts} attempts: ${result.reason}`;
      } else {
        const backoff = Math.min(this.opts.maxBackoffMs, this.opts.initialBackoffMs * 2 ** (attempts - 1));
        next = now + Math.max(backoff, result.retryAfterMs ?? 0);
      }
    }
    const recorded = await this.store.outbox.record(this.opts.owner, {
      delivery_id: row.delivery_id,
      status: outcome === 'sent' ? 'sent' : outcome === 'failed' ? 'failed' : 'pending',
      last_status: result.status ?? null,
      last_error: reason,
      next_attempt_at: next,
      sent_at: outcome === 'sent' ? now : null,
    });
    this.metrics.notifications.inc({ receiver: row.receiver, channel_type: row.channel_type, kind: row.kind, outcome });
    if (!recorded) {
      // Its claim expired during the attempt and another replica took the row: that one's record stands.
      this.logger.warn(
        { incident_id: row.incident_id, receiver: row.receiver, kind: row.kind, delivery_id: row.delivery_id, outcome },
        'notification attempt outlived its claim; its outcome is not recorded'
      );
      return 'lost';
    }
    if (outcome === 'failed') {
      this.logger.warn({ incident_id: row.incident_id, receiver: row.receiver, kind: row.kind, reason }, 'notification failed');
    }
    return outcome === 'retry' ? 'retry' : 'done';
  }
}
