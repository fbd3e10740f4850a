import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../security/config';
import type { ApiKeysTable, DB } from './db';

/** A stored API key: its hash, never the key. */
export type ApiKeyRow = Omit<Selectable<ApiKeysTable>, 'seq' | 'role' | 'grafana_proxy'> & { role: Role; grafana_proxy: boolean };

/** API keys created through the API or the CLI. */
export class KeyStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(key: ApiKeyRow): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({ ...key, grafana_proxy: key.grafana_proxy ? 1 : 0 })
      .execute();
  }

  async all(): Promise<ApiKeyRow[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().orderBy('seq').execute();
    return rows.map(fromRow);
  }

  async revoke(keyId: string, at: number, by: string | null): Promise<void> {
    await this.db.updateTable('api_keys').set({ revoked_at: at, revoked_by: by }).where('key_id', '=', keyId).execute();
  }
}

function fromRow({ seq: _seq, ...r }: Selectable<ApiKeysTable>): ApiKeyRow {
  return {
    ...r,
    role: r.role as Role,
    grafana_proxy: Number(r.grafana_proxy) === 1,
    created_at: Number(r.created_at),
    revoked_at: r.revoked_at === null ? null : Number(r.revoked_at),
  };
}
