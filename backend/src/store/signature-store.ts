import type { Kysely } from 'kysely';
import type { DB } from './db';

/** Signatures of webhooks already taken, each until it expires (the tolerance of its timestamp). */
export class SignatureStore {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Notes `signature` until `expiresAt`; false when it is noted already and not expired (a replay).
   * One statement, so two replicas taking the same signature at once cannot both succeed.
   */
  async remember(signature: string, expiresAt: number, now: number): Promise<boolean> {
    const res = await this.db
      .insertInto('webhook_signatures')
      .values({ signature, expires_at: expiresAt })
      .onConflict((oc) => oc.column('signature').doUpdateSet({ expires_at: expiresAt }).where('webhook_signatures.expires_at', '<=', now))
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Forgets a signature whose request was not taken after all (its sender may send it again). */
  async forget(signature: string): Promise<void> {
    await this.db.deleteFrom('webhook_signatures').where('signature', '=', signature).execute();
  }

  /** Deletes the signatures expired by `now`. */
  async prune(now: number): Promise<void> {
    await this.db.deleteFrom('webhook_signatures').where('expires_at', '<=', now).execute();
  }
}
