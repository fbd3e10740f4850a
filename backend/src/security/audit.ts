import type { Logger } from 'pino';
import type { AuditEntry, AuditQuery } from '../schema/security';
import type { AuditRow } from '../store/audit-store';
import type { AuditLogTable } from '../store/db';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { iso, requireSince } from '../util/time';
import { AUDIT_CAPS, capText } from './audit-caps';
import type { Caller } from './caller';
import type { AuditConfig, Role } from './config';
import { RefusalTally, type AuditInsert } from './refusal-tally';

/** One mutation as it was asked and answered: the stored row's fields, with the caller for who acted. */
export type AuditRecord = Pick<AuditLogTable, 'method' | 'route' | 'path' | 'target' | 'status' | 'detail'> & {
  caller: Caller;
  remoteAddr?: string | null;
  userAgent?: string | null;
};

/** How often counted refusals are written, and how often the log is pruned. */
const FLUSH_MS = 10_000;
const PRUNE_MS = 60_000;

/**
 * The audit log: every mutation through the API, allowed or refused, with who, what and when. What
 * it stores is bounded (reliability.md, item 23): each entry's texts are capped, refusals of callers
 * without a key are counted rather than written one by one, and entries past the retention or the
 * most kept are pruned, at start and on a timer.
 */
export class AuditLog {
  private readonly refusals: RefusalTally;
  private lastPrune = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly cfg: AuditConfig
  ) {
    this.refusals = new RefusalTally(store.audit, cfg.refusal_window_seconds * 1000, (err) => this.failed(err));
  }

  /** Appends an entry; a failure to write it is logged, never thrown at the person who acted. */
  record(r: AuditRecord): Promise<void> {
    const entry = this.entryOf(r);
    // Without a valid key nobody is accountable for the writes: repeated refusals are one counted entry.
    const write = r.status === 401 && r.caller.keyName === null ? this.refusals.count(entry) : this.store.audit.append(entry);
    return write.catch((err: unknown) => this.failed(err, r.route));
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const since = q.since === undefined ? undefined : requireSince(q.since, this.clock.now(), 'query.since');
    // Who reads the log sees every refusal counted so far.
    await this.refusals.flush(this.clock.now());
    const rows = await this.store.audit.list({ since, actor: q.actor, target: q.target, limit: q.limit });
    return rows.map(toDto);
  }

  /** Writes the counts held in memory and prunes by age and count; the timer runs it, and the start. */
  async maintain(): Promise<void> {
    const now = this.clock.now();
    await this.refusals.flush(now);
    if (now - this.lastPrune < PRUNE_MS) {
      return;
    }
    this.lastPrune = now;
    const old = await this.store.audit.pruneBefore(now - this.cfg.retention_seconds * 1000);
    const beyond = await this.store.audit.pruneBeyond(this.cfg.max_entries);
    if (old + beyond > 0) {
      this.logger.info({ older: old, beyond_max_entries: beyond }, 'audit log pruned');
    }
  }

  /** Runs `maintain` every few seconds until `close`. */
  start(): void {
    this.timer ??= setInterval(() => void this.maintain().catch((err: unknown) => this.failed(err)), FLUSH_MS);
    this.timer.unref();
  }

  /** Stops the timer and writes the counts held in memory. */
  async close(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.refusals.flush(this.clock.now()).catch((err: unknown) => this.failed(err));
  }

  private entryOf(r: AuditRecord): AuditInsert {
    // A key that may not name the person sent a name anyway: the key's name acted, and the entry says so.
    const detail = r.caller.ignoredUser === undefined ? r.detail : [r.detail, `X-Grafana-User ${JSON.stringify(r.caller.ignoredUser)} ignored: ${r.caller.keyName} is not a Grafana proxy key`].filter(Boolean).join('; ');
    return {
      at: this.clock.now(),
      actor: capText(r.caller.actor, AUDIT_CAPS.actor),
      key_name: r.caller.keyName,
      role: r.caller.role,
      method: r.method,
      route: r.route,
      path: capText(r.path, AUDIT_CAPS.path),
      target: capText(r.target, AUDIT_CAPS.target),
      status: r.status,
      detail: capText(detail, AUDIT_CAPS.detail),
      remote_addr: capText(r.remoteAddr, AUDIT_CAPS.remote_addr),
      user_agent: capText(r.userAgent, AUDIT_CAPS.user_agent),
    };
  }

  private failed(err: unknown, route?: string): void {
    this.logger.error({ err, route }, 'audit log write failed');
  }
}

function toDto(r: AuditRow): AuditEntry {
  return { ...r, at: iso(Number(r.at)), last_at: iso(r.last_at), role: r.role as Role | null };
}
