import type { Kysely } from 'kysely';
import type { DB } from './db';
import { ActionStore } from './action-store';
import { ApprovalStore } from './approval-store';
import { AuditStore } from './audit-store';
import { EventLog } from './event-log';
import { IncidentStore } from './incident-store';
import { KeyStore } from './key-store';
import { MetaStore } from './meta-store';
import { OutboxStore } from './outbox-store';
import { PostmortemStore } from './postmortem-store';
import { migrateToLatest } from './migrations';
import { RuleStore } from './rule-store';
import { SignatureStore } from './signature-store';

/** The stores over one database connection; `transaction` gives the same over one transaction. */
export class Store {
  readonly events: EventLog;
  readonly incidents: IncidentStore;
  readonly rules: RuleStore;
  readonly meta: MetaStore;
  readonly actions: ActionStore;
  readonly outbox: OutboxStore;
  readonly postmortems: PostmortemStore;
  readonly keys: KeyStore;
  readonly audit: AuditStore;
  readonly approvals: ApprovalStore;
  readonly signatures: SignatureStore;

  /** `schema`: the PostgreSQL schema the tables live in (none on SQLite). */
  constructor(
    readonly db: Kysely<DB>,
    private readonly schema?: string
  ) {
    this.events = new EventLog(db);
    this.incidents = new IncidentStore(db);
    this.rules = new RuleStore(db);
    this.meta = new MetaStore(db);
    this.actions = new ActionStore(db);
    this.outbox = new OutboxStore(db);
    this.postmortems = new PostmortemStore(db);
    this.keys = new KeyStore(db);
    this.audit = new AuditStore(db);
    this.approvals = new ApprovalStore(db);
    this.signatures = new SignatureStore(db);
  }

  async migrate(): Promise<void> {
    await migrateToLatest(this.db, this.schema);
  }

  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new Store(trx, this.schema)));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

export const CHECKPOINT_KEY = 'engine_checkpoint';
