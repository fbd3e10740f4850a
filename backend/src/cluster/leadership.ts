import type { Store } from '../store/store';
import type { ChangedIncidents } from '../domain/records';

/** Who leads the engine, as the leases table says. */
export interface LeaderInfo {
  replicaId: string;
  term: number;
  /** Where the leader answers the API calls that need the engine. */
  address: string | null;
  leaseExpiresAt: number;
}

export interface LeadershipHandlers {
  /** This replica now leads, in `term`: start the engine from its checkpoint. */
  elected(term: number): Promise<void>;
  /** This replica no longer leads: stop everything that writes as the engine. */
  deposed(reason: string): Promise<void>;
}

/** Something another replica wrote that this one must see: new events, changed incidents, keys. */
export type Signal = { kind: 'events' } | { kind: 'keys' } | { kind: 'rules' } | ({ kind: 'incidents' } & ChangedIncidents);

export type { ChangedIncidents } from '../domain/records';

/**
 * Which replica runs the engine. On SQLite there is one process and it always leads; on PostgreSQL
 * replicas elect one through an advisory lock with a lease (postgres-leadership.ts).
 */
export interface Leadership {
  readonly replicaId: string;
  /** True when replicas share the store (then some routes are forwarded to the leader). */
  readonly shared: boolean;
  readonly leading: boolean;
  readonly term: number;
  /** The leader as last read (this replica when it leads); null while none leads. */
  leader(): LeaderInfo | null;
  /** The leader as the store says now (when the last reading is null: this replica has just stepped down). */
  lookupLeader(): Promise<LeaderInfo | null>;
  start(handlers: LeadershipHandlers, address: string): Promise<void>;
  /** Where this replica answers, once it listens (other replicas forward to the leader there). */
  advertise(address: string): void;
  /** Throws `FencedError` inside a transaction that would commit under a term that is no longer current. */
  fence(tx: Store): Promise<void>;
  /** Tells the other replicas (after the commit of `tx`, when given). */
  signal(signal: Signal, tx?: Store): Promise<void>;
  /**
   * Called first in every transaction that appends events: appends from all replicas commit in the
   * order of their `seq`, so the engine, reading past its checkpoint, never skips one committed late.
   */
  orderAppend(tx: Store): Promise<void>;
  onSignal(listener: (signal: Signal) => void): void;
  close(): Promise<void>;
}

/** A commit refused because another replica leads now. */
export class FencedError extends Error {
  constructor(term: number, current: { holder: string; term: number } | undefined) {
    super(
      current
        ? `this replica led in term ${term}; ${current.holder} leads in term ${current.term}`
        : `this replica led in term ${term}; no lease is held`
    );
    this.name = 'FencedError';
  }
}

/** One process over its own SQLite file: it always leads, nobody needs telling. */
export class SoloLeadership implements Leadership {
  readonly shared = false;
  readonly term = 1;
  private led = false;
  private address: string | null = null;

  constructor(readonly replicaId: string) {}

  get leading(): boolean {
    return this.led;
  }

  leader(): LeaderInfo | null {
    return this.led ? { replicaId: this.replicaId, term: this.term, address: this.address, leaseExpiresAt: Number.MAX_SAFE_INTEGER } : null;
  }

  async lookupLeader(): Promise<LeaderInfo | null> {
    return this.leader();
  }

  advertise(address: string): void {
    this.address = address;
  }

  async start(handlers: LeadershipHandlers, address: string): Promise<void> {
    this.address = address;
    this.led = true;
    await handlers.elected(this.term);
  }

  async fence(): Promise<void> {}

  async signal(): Promise<void> {}

  async orderAppend(): Promise<void> {}

  onSignal(): void {}

  async close(): Promise<void> {
    this.led = false;
  }
}
