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
}

const BATCH = 500;
const KICK_DELAY_MS = 5;

/**
 * Delivers the outbox: at least once, recorded as sent only after the receiver said yes. Retries 5xx
 * and timeouts with exponential backoff, waits for 429's Retry-After, gives up at once on other 4xx.
 * Each receiver is worked on its own, so a slow one delays nobody else; within a receiver an
 * incident's messages keep their order (a resolve never overtakes its trigger).
 */
export class NotificationRelay {
  private readonly busy = new Map<string, Promise<void>>();
  /** Bumped each time a receiver's work ends: a scan that read rows before that must not send them. */
  private readonly generation = new Map<string, number>();
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
      this.tick().catch((err) => this.logger.error({ err }, 'notification relay failed; it retries on its next tick'));
    }
  }

  /** One pass: starts work for every idle receiver with something due; resolves when that work is done. */
  async tick(): Promise<void> {
    const seen = new Map(this.generation);
    const rows = await this.store.outbox.due(this.clock.now(), BATCH);
    const byReceiver = new Map<string, OutboxRecord[]>();
    for (const r of rows) {
      if (!this.busy.has(r.receiver) && this.generation.get(r.receiver) === seen.get(r.receiver)) {
        byReceiver.set(r.receiver, [...(byReceiver.get(r.receiver) ?? []), r]);
      }
    }
    const started: Array<Promise<void>> = [];
    for (const [receiver, list] of byReceiver) {
      const work = this.deliverAll(receiver, list).finally(() => {
        this.generation.set(receiver, (this.generation.get(receiver) ?? 0) + 1);
        this.busy.delete(receiver);
      });
      this.busy.set(receiver, work);
      started.push(work);
    }
    await Promise.all(started);
  }

  /** Waits for deliveries in flight (used at shutdown and by tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.busy.values()]);
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

  private async deliverAll(receiver: string, rows: OutboxRecord[]): Promise<void> {
    const held = new Set<string>();
    for (const row of rows) {
      if (held.has(row.incident_id) || this.closed) {
        continue;
      }
      if (!(await this.deliver(row))) {
        held.add(row.incident_id);
      }
    }
  }

  /** One attempt; true when the row is done with (sent or finally failed). */
  private async deliver(row: OutboxRecord): Promise<boolean> {
    const channel = this.channels.get(row.receiver);
    const result: DeliveryResult = channel
      ? await channel.send(row.message).catch((err: unknown) => ({ outcome: 'retry' as const, reason: `channel error: ${(err as Error).name}` }))
      : { outcome: 'failed', reason: `receiver "${row.receiver}" is no longer configured` };
    const now = this.clock.now();
    const attempts = row.attempts + 1;
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
    await this.store.outbox.record({
      delivery_id: row.delivery_id,
      status: outcome === 'sent' ? 'sent' : outcome === 'failed' ? 'failed' : 'pending',
      attempts,
      last_status: result.status ?? null,
      last_error: reason,
      next_attempt_at: next,
      sent_at: outcome === 'sent' ? now : null,
    });
    this.metrics.notifications.inc({ receiver: row.receiver, channel_type: row.channel_type, kind: row.kind, outcome });
    if (outcome === 'failed') {
      this.logger.warn({ incident_id: row.incident_id, receiver: row.receiver, kind: row.kind, reason }, 'notification failed');
    }
    return outcome !== 'retry';
  }
}
