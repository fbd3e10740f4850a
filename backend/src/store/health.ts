import type { Logger } from 'pino';
import type { Clock } from '../util/clock';
import { describeFault, StorageFullError, toStoreFault, type StoreFault } from './faults';

export type StoreState = 'available' | 'unavailable' | 'full';

export interface StoreHealthOptions {
  clock: Clock;
  logger: Logger;
  /** What the store is, for the log: the SQLite file, or PostgreSQL's host, database and schema. */
  target: string;
  /** Sent as `Retry-After` with every store fault. */
  retryAfterSeconds: number;
  /** How often a probe tries the store while it is faulty. */
  probeMs: number;
  /** A small write: resolves when the store takes writes again. */
  probe: () => Promise<void>;
  /** Probe on a timer (tests call `probeNow` themselves). */
  timers?: boolean;
}

/**
 * Whether the store works, as the last fault and the probes since say. The first fault (connection
 * lost, storage full) makes it unhealthy and is logged once; a probe then tries a small write every
 * `probeMs` until one works, which makes it healthy again (logged once, with how long it took).
 * Meanwhile `/readyz` is not ready, writes are refused at once with the fault (503 or 507 with
 * `Retry-After`), and the engine and its timers wait. See reliability.md, tests 21 and 22.
 */
export class StoreHealth {
  private fault: StoreFault | null = null;
  private since = 0;
  private timer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;
  private closed = false;
  private readonly listeners: Array<(healthy: boolean) => void> = [];

  constructor(private readonly opts: StoreHealthOptions) {}

  get healthy(): boolean {
    return this.fault === null;
  }

  get state(): StoreState {
    if (this.fault === null) {
      return 'available';
    }
    return this.fault instanceof StorageFullError ? 'full' : 'unavailable';
  }

  /** The fault that made the store unhealthy, while it is. */
  get current(): StoreFault | null {
    return this.fault;
  }

  get retryAfterSeconds(): number {
    return this.opts.retryAfterSeconds;
  }

  /**
   * Classifies an error of the store: a fault is returned typed (503 or 507) and, the first time,
   * makes the store unhealthy; anything else returns null and changes nothing.
   */
  report(err: unknown): StoreFault | null {
    const fault = toStoreFault(err, this.opts.retryAfterSeconds);
    if (!fault || this.closed) {
      return fault;
    }
    if (this.fault === null) {
      this.fault = fault;
      this.since = this.opts.clock.now();
      const driver = fault.driverError as { code?: unknown; errno?: unknown };
      const fields = { store: this.opts.target, code: driver?.code, errno: driver?.errno };
      if (fault instanceof StorageFullError) {
        this.opts.logger.error(fields, `storage full: ${this.opts.target}: ${describeFault(fault.driverError)}; writes fail until space is freed`);
      } else {
        this.opts.logger.error(fields, `store unavailable: ${this.opts.target}: ${describeFault(fault.driverError)}; retrying`);
      }
      this.schedule();
      this.emit(false);
    } else if (fault instanceof StorageFullError && !(this.fault instanceof StorageFullError)) {
      // Full is the more useful thing to say (and to answer): it tells what to do.
      this.fault = fault;
    }
    return fault;
  }

  /** Throws the fault while the store is unhealthy: writes get it at once instead of waiting on the store. */
  assertHealthy(): void {
    if (this.fault) {
      throw this.fault;
    }
  }

  /** Told when the store becomes unhealthy (false) and healthy again (true). */
  onChange(listener: (healthy: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Tries the store once (the timer does this while unhealthy); resolves when done, healthy or not. */
  probeNow(): Promise<void> {
    if (this.fault === null || this.closed) {
      return Promise.resolve();
    }
    this.probing ??= this.opts
      .probe()
      .then(
        () => this.recovered(),
        (err) => {
          // A probe that fails for another reason than a store fault still says the store does not work.
          const fault = toStoreFault(err, this.opts.retryAfterSeconds);
          if (fault instanceof StorageFullError && !(this.fault instanceof StorageFullError)) {
            this.fault = fault;
          }
        }
      )
      .finally(() => {
        this.probing = null;
        this.schedule();
      });
    return this.probing;
  }

  private recovered(): void {
    if (this.fault === null) {
      return;
    }
    const was = this.state;
    this.fault = null;
    const ms = this.opts.clock.now() - this.since;
    this.opts.logger.warn({ store: this.opts.target, down_ms: ms, was }, `store available again after ${ms} ms`);
    this.emit(true);
  }

  private schedule(): void {
    if (this.opts.timers === false || this.closed || this.fault === null || this.timer || this.probing) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.probeNow();
    }, this.opts.probeMs);
    this.timer.unref();
  }

  private emit(healthy: boolean): void {
    for (const l of this.listeners) {
      try {
        l(healthy);
      } catch (err) {
        this.opts.logger.error({ err }, 'a store health listener failed');
      }
    }
  }

  /** Stops probing (at shutdown). */
  close(): void {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
