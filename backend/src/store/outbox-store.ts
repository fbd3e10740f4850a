import type { Kysely, Selectable } from 'kysely';
import type { OutboxRecord } from '../domain/records';
import type { NotificationKind, NotificationMessage } from '../notification/channel';
import type { DB, OutboxTable } from './db';

/** The notification outbox: rows are written with the change that causes them, then delivered by the relay. */
export class OutboxStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(rows: OutboxRecord[]): Promise<void> {
    for (const r of rows) {
      await this.db.insertInto('outbox').values(toRow(r)).onConflict((oc) => oc.column('delivery_id').doNothing()).execute();
    }
  }

  /** Pending rows whose next attempt is due, oldest first. */
  async due(now: number, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** When the earliest pending row is due, or null when nothing is pending. */
  async nextDue(): Promise<number | null> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('m'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.m === null || row?.m === undefined ? null : Number(row.m);
  }

  async record(r: Pick<OutboxRecord, 'delivery_id' | 'status' | 'attempts' | 'last_status' | 'last_error' | 'next_attempt_at' | 'sent_at'>): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: r.status,
        attempts: r.attempts,
        last_status: r.last_status,
        last_error: r.last_error,
        next_attempt_at: r.next_attempt_at,
        sent_at: r.sent_at,
      })
      .where('delivery_id', '=', r.delivery_id)
      .execute();
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
  return { ...r, message: JSON.stringify(r.message), claimed_by: null, claimed_until: null };
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
  };
}
