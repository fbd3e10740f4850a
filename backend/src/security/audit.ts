import type { Logger } from 'pino';
import type { AuditEntry, AuditQuery } from '../schema/security';
import type { AuditRow } from '../store/audit-store';
import type { AuditLogTable } from '../store/db';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { iso, requireSince } from '../util/time';
import type { Caller } from './caller';
import type { Role } from './config';

/** One mutation as it was asked and answered: the stored row's fields, with the caller for who acted. */
export type AuditRecord = Pick<AuditLogTable, 'method' | 'route' | 'path' | 'target' | 'status' | 'detail'> & { caller: Caller };

/** The audit log: every mutation through the API, allowed or refused, with who, what and when. */
export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger
  ) {}

  /** Appends an entry; a failure to write it is logged, never thrown at the person who acted. */
  record(r: AuditRecord): Promise<void> {
    // A key that may not name the person sent a name anyway: the key's name acted, and the entry says so.
    const detail = r.caller.ignoredUser === undefined ? r.detail : [r.detail, `X-Grafana-User ${JSON.stringify(r.caller.ignoredUser)} ignored: ${r.caller.keyName} is not a Grafana proxy key`].filter(Boolean).join('; ');
    return this.store.audit
      .append({
        at: this.clock.now(),
        actor: r.caller.actor,
        key_name: r.caller.keyName,
        role: r.caller.role,
        method: r.method,
        route: r.route,
        path: r.path,
        target: r.target,
        status: r.status,
        detail,
      })
      .catch((err: unknown) => this.logger.error({ err, route: r.route }, 'audit log write failed'));
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const since = q.since === undefined ? undefined : requireSince(q.since, this.clock.now(), 'query.since');
    const rows = await this.store.audit.list({ since, actor: q.actor, target: q.target, limit: q.limit });
    return rows.map(toDto);
  }
}

function toDto(r: AuditRow): AuditEntry {
  return { ...r, at: iso(Number(r.at)), role: r.role as Role | null };
}
