import type { Kysely } from 'kysely';
import type { DB } from './db';

/** Small named values: the engine checkpoint, the incident counter. */
export class MetaStore {
  constructor(private readonly db: Kysely<DB>) {}

  async getNumber(key: string): Promise<number> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row ? Number(row.value) : 0;
  }

  async setNumber(key: string, value: number): Promise<void> {
    await this.db
      .insertInto('meta')
      .values({ key, value: String(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(value) }))
      .execute();
  }
}
