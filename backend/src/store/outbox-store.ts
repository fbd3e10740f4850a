import type { Kysely, Selectable } from 'kysely';
import type { OutboxRecord } from '../domain/records';
import type { NotificationKind, NotificationMessage } from '../notification/channel';
import { isPostgres, type DB, type OutboxTable } from './db';

/** The notification outbox: rows are written with the change that causes them, then delivered by the relay. */
export class OutboxStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(rows: OutboxRecord[]): Promise<void> {
    for (const r of rows) {
      await this.db.insertInto('outbox').values(toRow(r)).onConflict((oc) => oc.column('delivery_id').doNothing()).execute();
    }
  }

  /**
   * Claims for `owner`, until `now + claimMs`, the due rows no live claim holds, and returns them by
   * seq: pending, next attempt at or before `now`, and the head of their incident's queue to their
   * receiver (no earlier pending row of the same incident and receiver), so an incident's messages
   * keep their order whichever replica sends them. One statement: on PostgreSQL the rows are locked
   * with SKIP LOCKED, so replicas claiming at once take different rows; on SQLite (one process, one
   * writer) the statement alone is atomic. `only` limits the claim to one receiver, `except` leaves
   * some receivers out.
   */
  async claim(
    owner: string,
    now: number,
    claimMs: number,
    limit: number,
    receivers: { only?: string; except?: readonly string[] } = {}
  ): Promise<OutboxRecord[]> {
    let heads = this.db
      .selectFrom('outbox as o')
      .select('o.seq')
      .where('o.status', '=', 'pending')
      .where('o.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('o.claimed_until', 'is', null), eb('o.claimed_until', '<', now)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('outbox as p')
              .select('p.seq')
              .whereRef('p.incident_id', '=', 'o.incident_id')
              .whereRef('p.receiver', '=', 'o.receiver')
              .whereRef('p.seq', '<', 'o.seq')
              .where('p.status', '=', 'pending')
          )
        )
      )
      .orderBy('o.seq')
      .limit(limit);
    if (receivers.only !== undefined) {
      heads = heads.where('o.receiver', '=', receivers.only);
    }
    if (receivers.except && receivers.except.length > 0) {
      heads = heads.where('o.receiver', 'not in', [...receivers.except]);
    }
    if (isPostgres(this.db)) {
      heads = heads.forUpdate().skipLocked();
    }
    const rows = await this.db
      .updateTable('outbox')
      .set({ claimed_by: owner, claimed_until: now + claimMs })
      .where('seq', 'in', heads)
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.seq - b.seq).map(fromRow);
  }

  /**
   * Starts an attempt by `owner`: counts it (`attempts`, `last_attempt_at`) and extends the claim to
   * `now + claimMs`, so it holds for the whole attempt. Written before the message goes out, so an
   * attempt cut short by a crash is still counted when the row is sent again (at least once, and the
   * history says how often). The attempt's number, or null when the row is no longer `owner`'s to
   * send (another replica took it after the claim expired, or it is done).
   */
  async beginAttempt(owner: string, deliveryId: string, now: number, claimMs: number): Promise<number | null> {
    const row = await this.db
      .updateTable('outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_attempt_at: now, claimed_until: now + claimMs }))
      .where('delivery_id', '=', deliveryId)
      .where('claimed_by', '=', owner)
      .where('status', '=', 'pending')
      .returning('attempts')
      .executeTakeFirst();
    return row ? Number(row.attempts) : null;
  }

  /** Gives up `owner`'s claims on these rows unattempted, so any replica may take them at once. */
  async release(owner: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) {
      return;
    }
    await this.db
      .updateTable('outbox')
      .set({ claimed_by: null, claimed_until: null })
      .where('delivery_id', 'in', [...deliveryIds])
      .where('claimed_by', '=', owner)
      .execute();
  }

  /**
   * Records the outcome of an attempt by `owner` (counted when it began) and ends its claim. Applies only while `owner` still holds the
   * claim: once it expired and another replica took the row (and maybe sent it), a late outcome
   * from the first must not overwrite the second's. True when it applied.
   */
  async record(
    owner: string,
    r: Pick<OutboxRecord, 'delivery_id' | 'status' | 'last_status' | 'last_error' | 'next_attempt_at' | 'sent_at'>
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('outbox')
      .set({
        status: r.status,
        last_status: r.last_status,
        last_error: r.last_error,
        next_attempt_at: r.next_attempt_at,
        sent_at: r.sent_at,
        claimed_by: null,
        claimed_until: null,
      })
      .where('delivery_id', '=', r.delivery_id)
      .where('claimed_by', '=', owner)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async get(deliveryId: string): Promise<OutboxRecord | undefined> {
    const row = await this.db.selectFrom('outbox').selectAll().where('delivery_id', '=', deliveryId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async ofIncident(incidentId: string): Promise<OutboxRecord[]> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('incident_id', '=', incidentId).orderBy('seq').execute();
    return rows.map(fromRow);
  }

  /** The receivers an incident has been routed to so far (resolutions go to the same ones). */
  async receiversOf(incidentId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('outbox').select('receiver').distinct().where('incident_id', '=', incidentId).execute();
    return rows.map((r) => r.receiver);
  }

  async pendingCount(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function toRow(r: OutboxRecord): Omit<OutboxTable, 'seq'> {
  return { ...r, message: JSON.stringify(r.message), claimed_by: null, claimed_until: null, last_attempt_at: null };
}

function fromRow(row: Selectable<OutboxTable>): OutboxRecord {
  const { seq: _seq, claimed_by: _by, claimed_until: _until, ...r } = row;
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    ...r,
    kind: r.kind as NotificationKind,
    status: r.status as OutboxRecord['status'],
    message: JSON.parse(r.message) as NotificationMessage,
    created_at: Number(r.created_at),
    next_attempt_at: num(r.next_attempt_at),
    sent_at: num(r.sent_at),
    last_attempt_at: num(r.last_attempt_at),
  };
}
