import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ConfigError } from '../config/load';
import type { ApiKey, ApiKeyCreated } from '../schema/security';
import type { Store } from '../store/store';
import type { ApiKeyRow } from '../store/key-store';
import type { Clock } from '../util/clock';
import { ConflictError, NotFoundError } from '../util/errors';
import { iso } from '../util/time';
import type { ConfiguredKey, Role } from './config';

/** Keys look like `mhv_` and 32 characters of base64url: 192 random bits. */
const KEY_PREFIX = 'mhv_';
/** A key named in the configuration must be at least this long. */
const MIN_CONFIGURED_KEY = 16;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function newKey(): string {
  return KEY_PREFIX + randomBytes(24).toString('base64url');
}

interface KeyEntry {
  key_id: string;
  name: string;
  role: Role;
  prefix: string;
  origin: 'api' | 'config';
  grafanaProxy: boolean;
  row?: ApiKeyRow;
}

/** What a valid key says about its holder. */
export interface KeyHolder {
  name: string;
  role: Role;
  /** Sent by Grafana's proxy routes: the request may name the person (`X-Grafana-User`). */
  grafanaProxy: boolean;
}

/**
 * The keys the backend accepts: those created through the API or the CLI (stored as SHA-256 hashes)
 * and those named in the configuration. Held in memory by hash, so a request costs one hash.
 */
export class KeyRing {
  private readonly byHash = new Map<string, KeyEntry>();
  private stored: ApiKeyRow[] = [];
  /** What holds a key open (a live stream), by the key's hash: told when the key stops being valid. */
  private readonly holders = new Map<string, Set<() => void>>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly configured: ConfiguredKey[],
    private readonly env: NodeJS.ProcessEnv,
    /** Told after a key is created or revoked (other replicas re-read the keys). */
    private readonly changed: () => Promise<void> = async () => undefined
  ) {}

  /** Reads the stored keys and resolves the configured ones; a configured key without its secret stops the start. */
  async load(): Promise<void> {
    this.stored = await this.store.keys.all();
    this.byHash.clear();
    this.configured.forEach((k, i) => {
      let hash = k.sha256;
      // What lists show: the key's first characters when the backend knows the key, else the hash's, marked so.
      let prefix = `sha256:${hash?.slice(0, 8)}`;
      if (k.key_env) {
        const key = this.env[k.key_env];
        if (!key || key.length < MIN_CONFIGURED_KEY) {
          throw new ConfigError(
            `security.auth.keys[${i}] (${k.name}): the environment variable ${k.key_env} must hold a key of at least ${MIN_CONFIGURED_KEY} characters`
          );
        }
        hash = sha256(key);
        prefix = key.slice(0, 4);
      }
      this.byHash.set(hash!, { key_id: `config:${k.name}`, name: k.name, role: k.role, prefix, origin: 'config', grafanaProxy: k.grafana_proxy });
    });
    for (const row of this.stored) {
      if (row.revoked_at === null) {
        this.byHash.set(row.hash, { key_id: row.key_id, name: row.name, role: row.role, prefix: row.prefix, origin: 'api', grafanaProxy: row.grafana_proxy, row });
      }
    }
    this.releaseRevoked();
  }

  /**
   * Calls `lost` once the key `credential` no longer authenticates: revoked here, or revoked on another
   * replica and read again on its signal (reliability.md, item 24: a revoked key loses its open streams
   * at once). Returns the function that stops watching.
   */
  watch(credential: string, lost: () => void): () => void {
    const hash = sha256(credential);
    let set = this.holders.get(hash);
    if (!set) {
      set = new Set();
      this.holders.set(hash, set);
    }
    set.add(lost);
    return () => {
      set.delete(lost);
      if (set.size === 0 && this.holders.get(hash) === set) {
        this.holders.delete(hash);
      }
    };
  }

  /** Tells the holders of every key that is no longer valid. */
  private releaseRevoked(): void {
    for (const [hash, set] of this.holders) {
      if (!this.byHash.has(hash)) {
        this.holders.delete(hash);
        for (const lost of set) {
          lost();
        }
      }
    }
  }

  /** Whether any key is in force: then every request but the public ones must carry one. */
  get enforced(): boolean {
    return this.byHash.size > 0;
  }

  /** The key's name and role, or undefined for an unknown or revoked key. */
  authenticate(key: string): KeyHolder | undefined {
    const entry = this.byHash.get(sha256(key));
    return entry && { name: entry.name, role: entry.role, grafanaProxy: entry.grafanaProxy };
  }

  async create(name: string, role: Role, by: string | null, grafanaProxy = false): Promise<ApiKeyCreated> {
    if ([...this.byHash.values()].some((k) => k.name === name)) {
      throw new ConflictError(`a key named ${name} exists; revoke it first or choose another name`);
    }
    const key = newKey();
    const row: ApiKeyRow = {
      key_id: `key_${randomUUID().slice(0, 8)}`,
      name,
      role,
      hash: sha256(key),
      prefix: key.slice(0, KEY_PREFIX.length + 4),
      created_at: this.clock.now(),
      created_by: by,
      revoked_at: null,
      revoked_by: null,
      grafana_proxy: grafanaProxy,
    };
    await this.store.keys.insert(row);
    await this.load();
    await this.changed();
    return { ...toDto({ ...row, origin: 'api' }), key };
  }

  /** Revokes a stored key. The last admin key cannot go: nobody could manage keys after it. */
  async revoke(keyId: string, by: string | null): Promise<ApiKey> {
    const row = this.stored.find((k) => k.key_id === keyId || k.name === keyId);
    if (!row) {
      const configured = this.configured.some((k) => `config:${k.name}` === keyId || k.name === keyId);
      throw configured
        ? new ConflictError(`${keyId} is named in the configuration (security.auth.keys): remove it there`)
        : new NotFoundError(`no key ${keyId}`);
    }
    if (row.revoked_at !== null) {
      return toDto({ ...row, origin: 'api' });
    }
    const admins = [...this.byHash.values()].filter((k) => k.role === 'admin');
    if (row.role === 'admin' && admins.length === 1) {
      throw new ConflictError(`${row.name} is the last admin key: create another admin key before revoking it`);
    }
    await this.store.keys.revoke(row.key_id, this.clock.now(), by);
    await this.load();
    await this.changed();
    return toDto({ ...this.stored.find((k) => k.key_id === row.key_id)!, origin: 'api' });
  }

  /** Every key, configured ones first, revoked ones too; never a secret. */
  list(): ApiKey[] {
    const configured = [...this.byHash.values()].filter((k) => k.origin === 'config');
    return [
      ...configured.map((k) => ({
        key_id: k.key_id,
        name: k.name,
        role: k.role,
        prefix: k.prefix,
        origin: 'config' as const,
        grafana_proxy: k.grafanaProxy,
        created_at: null,
        created_by: null,
        revoked_at: null,
        revoked_by: null,
      })),
      ...this.stored.map((row) => toDto({ ...row, origin: 'api' })),
    ];
  }
}

function toDto(k: ApiKeyRow & { origin: 'api' }): ApiKey {
  return {
    key_id: k.key_id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    origin: k.origin,
    grafana_proxy: k.grafana_proxy,
    created_at: iso(k.created_at),
    created_by: k.created_by,
    revoked_at: iso(k.revoked_at),
    revoked_by: k.revoked_by,
  };
}
