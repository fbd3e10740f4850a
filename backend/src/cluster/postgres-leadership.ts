import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { pgTypeParsers } from '../store/db';
import type { Store } from '../store/store';
import { FencedError, type LeaderInfo, type Leadership, type LeadershipHandlers, type Signal } from './leadership';
import { clusterNames, LOCK_SPACE } from './names';

export interface PostgresLeadershipOptions {
  url: string;
  schema: string;
  replicaId: string;
  leaseMs: number;
  heartbeatMs: number;
  logger: Logger;
  /** Told of an error of the database; true when it was a store fault (the store's health logs those, once). */
  storeFault?: (err: unknown) => boolean;
}

/** The database's clock in epoch milliseconds: leases never depend on the replicas' clocks. */
const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** Most bytes of a NOTIFY payload (PostgreSQL allows 8000). */
const MAX_PAYLOAD = 7000;

/**
 * Leader election over PostgreSQL. Each replica keeps one connection of its own; the leader holds a
 * session advisory lock on it (released by the server as soon as the connection or the process dies)
 * and renews a lease row every heartbeat. A standby takes the lock when it is free, bumps the term and
 * starts the engine from its checkpoint. A leader that holds the lock but stops renewing (a frozen
 * process) has its connection ended by a standby once the lease is over. Every engine commit checks
 * the term in its transaction (`fence`), so a deposed leader can never write after the new one starts.
 * The same connection LISTENs for what other replicas signal.
 */
export class PostgresLeadership implements Leadership {
  readonly shared = true;
  private client: Client | null = null;
  /** The connection whose session holds the engine lock (none while standing by). */
  private lockedOn: Client | null = null;
  private led = false;
  private currentTerm = 0;
  private lastRenewal = 0;
  private known: LeaderInfo | null = null;
  private handlers: LeadershipHandlers | null = null;
  private address: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly listeners: Array<(s: Signal) => void> = [];
  private readonly names;

  constructor(
    private readonly store: Store,
    private readonly opts: PostgresLeadershipOptions
  ) {
    this.names = clusterNames(opts.schema);
  }

  get replicaId(): string {
    return this.opts.replicaId;
  }

  get leading(): boolean {
    return this.led;
  }

  get term(): number {
    return this.currentTerm;
  }

  leader(): LeaderInfo | null {
    return this.known;
  }

  async lookupLeader(): Promise<LeaderInfo | null> {
    if (this.known) {
      return this.known;
    }
    const { rows } = await sql<LeaseRow>`
      select holder, term, address, expires_at from leases where name = 'engine' and expires_at >= ${sql.raw(DB_NOW)}`.execute(this.store.db);
    return rows[0] ? toLeader(rows[0]) : null;
  }

  /** Tries once to lead (so a lone replica leads before it serves), then keeps beating. */
  async start(handlers: LeadershipHandlers, address: string): Promise<void> {
    this.handlers = handlers;
    this.address = address;
    await this.beat();
    this.schedule();
  }

  /** Written into the lease at the next renewal. */
  advertise(address: string): void {
    this.address = address;
    if (this.led && this.known) {
      this.known = { ...this.known, address };
    }
  }

  private schedule(): void {
    if (this.closed) {
      return;
    }
    this.timer = setTimeout(() => {
      this.beating = this.beat().finally(() => this.schedule());
    }, this.opts.heartbeatMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    try {
      const client = await this.connection();
      if (this.led) {
        await this.renew(client);
      } else {
        await this.tryLead(client);
      }
    } catch (err) {
      if (this.closed) {
        return;
      }
      // A slow answer is not a lost lease: the leader leads until its lease is over (the fence keeps
      // its writes safe meanwhile), and a broken connection is replaced at the next beat.
      if (!this.opts.storeFault?.(err)) {
        this.opts.logger.warn({ err }, 'leader election: the database did not answer; retrying');
      }
    }
    if (this.led && performance.now() - this.lastRenewal > this.opts.leaseMs) {
      await this.depose('could not renew the lease in time');
    }
  }

  private async connection(): Promise<Client> {
    if (this.client) {
      return this.client;
    }
    const timeout = Math.max(100, this.opts.leaseMs);
    const client = new Client({
      connectionString: this.opts.url,
      options: `-c search_path=${this.opts.schema}`,
      types: pgTypeParsers,
      connectionTimeoutMillis: timeout,
      query_timeout: timeout,
      keepAlive: true,
      // Unique to this backend's schema and replica: whoever ends sessions by name ends only these.
      application_name: `mahavishnu/${this.opts.schema} ${this.opts.replicaId} leader`.slice(0, 63),
    });
    const lost = () => {
      if (this.client === client) {
        this.client = null;
      }
    };
    client.on('error', (err) => {
      this.opts.logger.warn({ err }, 'leader election connection failed');
      lost();
    });
    client.on('end', lost);
    client.on('notification', (msg) => this.dispatch(msg.channel, msg.payload ?? ''));
    try {
      await client.connect();
      for (const channel of Object.values(this.names.channels)) {
        await client.query(`listen ${channel}`);
      }
    } catch (err) {
      // Half set up (the database went away meanwhile): not kept, and not left open.
      client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    // Whatever was signalled while no connection listened is read again.
    this.emit({ kind: 'events' });
    this.emit({ kind: 'keys' });
    this.emit({ kind: 'rules' });
    return client;
  }

  private dropConnection(): void {
    const client = this.client;
    this.client = null;
    this.lockedOn = null;
    // Ending the session releases the advisory lock at once.
    client?.end().catch(() => undefined);
  }

  private async tryLead(client: Client): Promise<void> {
    if (!(await this.tryLock(client))) {
      await this.watchLeader(client);
      return;
    }
    this.lockedOn = client;
    const won = await client.query<{ term: number; expires_at: number }>(
      `insert into leases (name, holder, term, expires_at, address) values ('engine', $1, 1, ${DB_NOW} + $2, $3)
       on conflict (name) do update set holder = excluded.holder, term = leases.term + 1, expires_at = excluded.expires_at, address = excluded.address
       returning term, expires_at`,
      [this.opts.replicaId, this.opts.leaseMs, this.address]
    );
    this.led = true;
    this.currentTerm = Number(won.rows[0].term);
    this.lastRenewal = performance.now();
    this.known = { replicaId: this.opts.replicaId, term: this.currentTerm, address: this.address, leaseExpiresAt: Number(won.rows[0].expires_at) };
    this.opts.logger.info({ replica: this.opts.replicaId, term: this.currentTerm }, 'leading the engine');
    try {
      await this.handlers?.elected(this.currentTerm);
    } catch (err) {
      this.opts.logger.error({ err }, 'could not start the engine as leader; stepping down');
      await this.depose('the engine did not start');
    }
  }

  /** Takes the engine lock for the session of `client` if it is free (or already its own). */
  private async tryLock(client: Client): Promise<boolean> {
    const { rows } = await client.query<{ got: boolean }>('select pg_try_advisory_lock($1, $2) as got', [LOCK_SPACE, this.names.engineLock]);
    return rows[0].got;
  }

  /** Reads who leads; ends the session of a leader whose lease is over while it still holds the lock. */
  private async watchLeader(client: Client): Promise<void> {
    const { rows } = await client.query<LeaseRow & { now: number }>(
      `select holder, term, address, expires_at, ${DB_NOW} as now from leases where name = 'engine'`
    );
    const row = rows[0];
    if (!row) {
      this.known = null;
      return;
    }
    const expiredFor = Number(row.now) - Number(row.expires_at);
    this.known = expiredFor > 0 ? null : toLeader(row);
    if (expiredFor > this.opts.heartbeatMs) {
      const ended = await client.query(
        `select pg_terminate_backend(pid) from pg_locks
         where locktype = 'advisory' and granted and classid = $1::int4::oid and objid = $2::int4::oid and objsubid = 2
           and database = (select oid from pg_database where datname = current_database())`,
        [LOCK_SPACE, this.names.engineLock]
      );
      if (ended.rowCount) {
        this.opts.logger.warn({ leader: row.holder, term: row.term, expired_ms: expiredFor }, 'the leader stopped renewing its lease; ended its session');
      }
    }
  }

  private async renew(client: Client): Promise<void> {
    if (this.lockedOn !== client) {
      // The connection was replaced: its session must hold the lock again, or another replica leads.
      if (!(await this.tryLock(client))) {
        await this.depose('another replica holds the leader lock');
        return;
      }
      this.lockedOn = client;
    }
    const res = await client.query<{ expires_at: number }>(
      `update leases set expires_at = ${DB_NOW} + $1, address = $2 where name = 'engine' and holder = $3 and term = $4 returning expires_at`,
      [this.opts.leaseMs, this.address, this.opts.replicaId, this.currentTerm]
    );
    if (res.rowCount === 0) {
      this.dropConnection();
      await this.depose('another replica holds the lease');
      return;
    }
    this.lastRenewal = performance.now();
    this.known = { replicaId: this.opts.replicaId, term: this.currentTerm, address: this.address, leaseExpiresAt: Number(res.rows[0].expires_at) };
  }

  private async depose(reason: string): Promise<void> {
    if (!this.led) {
      return;
    }
    this.led = false;
    this.known = null;
    this.dropConnection();
    this.opts.logger.warn({ replica: this.opts.replicaId, term: this.currentTerm, reason }, 'no longer leading the engine');
    await this.handlers?.deposed(reason);
  }

  async fence(tx: Store): Promise<void> {
    const { rows } = await sql<{ holder: string; term: number }>`select holder, term from leases where name = 'engine' for share`.execute(tx.db);
    const row = rows[0];
    if (!this.led || !row || row.holder !== this.opts.replicaId || Number(row.term) !== this.currentTerm) {
      throw new FencedError(this.currentTerm, row && { holder: row.holder, term: Number(row.term) });
    }
  }

  async signal(signal: Signal, tx?: Store): Promise<void> {
    const db = (tx ?? this.store).db;
    const origin = this.opts.replicaId;
    // A created incident's id goes as `+id` (the stream tells created from updated).
    const ids = signal.kind === 'incidents' ? [...signal.created.map((id) => `+${id}`), ...signal.updated] : [];
    const payloads = signal.kind === 'incidents' ? chunk(ids, MAX_PAYLOAD - origin.length - 1).map((list) => `${origin}|${list}`) : [origin];
    for (const payload of payloads) {
      await sql`select pg_notify(${this.names.channels[signal.kind]}, ${payload})`.execute(db);
    }
  }

  async orderAppend(tx: Store): Promise<void> {
    // Held to the commit: the next append takes its seqs only after this one is visible. The notice
    // reaches the leader at the commit.
    await sql`select pg_advisory_xact_lock(${LOCK_SPACE}::int4, ${this.names.appendLock}::int4), pg_notify(${this.names.channels.events}, ${this.opts.replicaId})`.execute(tx.db);
  }

  onSignal(listener: (signal: Signal) => void): void {
    this.listeners.push(listener);
  }

  private dispatch(channel: string, payload: string): void {
    const bar = payload.indexOf('|');
    const origin = bar < 0 ? payload : payload.slice(0, bar);
    if (origin === this.opts.replicaId) {
      return;
    }
    const { channels } = this.names;
    if (channel === channels.events) {
      this.emit({ kind: 'events' });
    } else if (channel === channels.keys) {
      this.emit({ kind: 'keys' });
    } else if (channel === channels.rules) {
      this.emit({ kind: 'rules' });
    } else if (channel === channels.incidents) {
      const ids = bar < 0 ? [] : payload.slice(bar + 1).split(',').filter(Boolean);
      this.emit({ kind: 'incidents', created: ids.filter((id) => id.startsWith('+')).map((id) => id.slice(1)), updated: ids.filter((id) => !id.startsWith('+')) });
    }
  }

  private emit(signal: Signal): void {
    for (const l of this.listeners) {
      l(signal);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    await this.beating.catch(() => undefined);
    const wasLeading = this.led;
    this.led = false;
    this.known = null;
    const client = this.client;
    this.client = null;
    if (client) {
      if (wasLeading) {
        // Hand over at once: the next standby need not wait for the lease.
        await client.query(`update leases set expires_at = 0 where name = 'engine' and holder = $1 and term = $2`, [this.opts.replicaId, this.currentTerm]).catch(() => undefined);
      }
      await client.end().catch(() => undefined);
    }
  }
}

/** The `engine` row of `leases`, as read. */
interface LeaseRow {
  holder: string;
  term: number;
  address: string | null;
  expires_at: number;
}

function toLeader(row: LeaseRow): LeaderInfo {
  return { replicaId: row.holder, term: Number(row.term), address: row.address, leaseExpiresAt: Number(row.expires_at) };
}

/** Ids joined by commas, in payloads of at most `max` characters. */
function chunk(ids: string[], max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const id of ids) {
    if (cur && cur.length + 1 + id.length > max) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur},${id}` : id;
  }
  if (cur) {
    out.push(cur);
  }
  return out;
}
