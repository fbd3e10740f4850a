import type { IncidentRecord } from '../domain/records';
import type { IncidentEngine } from '../engine/engine';
import type { MutationContext } from '../engine/mutation-context';
import type { IncidentCreate, IncidentListQuery, IncidentPatch, Stats, TimelineEntry } from '../schema/incidents';
import { ACTIVE_STATUSES, INCIDENT_STATUSES, isActiveStatus, type IncidentStatus } from '../schema/enums';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { ConflictError, NotFoundError } from '../util/errors';
import { iso, requireSince, round3 } from '../util/time';
import { eventEntry, lifecycleEntry } from './dto';
import { mttd, mttr } from '../correlation/correlator';

/**
 * What people do to incidents through the API (and later the CLI and the plugin): read, filter,
 * acknowledge, assign, move, resolve, close. Changes go through the engine, the single writer.
 */
export class IncidentService {
  constructor(
    private readonly store: Store,
    private readonly engine: IncidentEngine,
    private readonly clock: Clock
  ) {}

  async list(q: IncidentListQuery): Promise<IncidentRecord[]> {
    const statuses = q.status === 'active' ? [...ACTIVE_STATUSES] : q.status ? [q.status] : undefined;
    return this.store.incidents.list({
      statuses,
      severity: q.severity,
      type: q.type,
      component: q.component,
      since: q.since === undefined ? undefined : this.since(q.since),
      limit: q.limit,
    });
  }

  async get(id: string): Promise<IncidentRecord> {
    const inc = await this.store.incidents.get(id);
    if (!inc) {
      throw new NotFoundError(`incident ${id} not found`);
    }
    return inc;
  }

  async create(input: IncidentCreate, actor: string | null): Promise<IncidentRecord> {
    return this.engine.createManual(
      {
        incident_type: input.incident_type,
        severity: input.severity,
        title: input.title,
        description: input.description,
        affected_components: [...new Set(input.components)],
      },
      actor ?? input.created_by ?? null
    );
  }

  async patch(id: string, p: IncidentPatch, actor: string | null): Promise<IncidentRecord> {
    return this.change(id, (inc, ctx) => {
      if (p.status !== undefined && p.status !== inc.status) {
        if (p.status === 'closed') {
          this.checkClose(inc);
          inc.closed_at = ctx.now;
          inc.closed_by = actor ?? 'anonymous';
          ctx.setStatus('closed', actor);
        } else if (p.status === 'resolved') {
          this.checkActive(inc, 'resolve');
          ctx.resolve(actor ?? 'anonymous', actor);
        } else {
          this.checkActive(inc, `move to ${p.status}`);
          ctx.setStatus(p.status, actor, 'moved by a person');
        }
      }
      if (p.severity !== undefined && p.severity !== inc.severity) {
        ctx.entry('severity_changed', `Severity ${inc.severity} -> ${p.severity}`, actor, { from: inc.severity, to: p.severity });
        const from = inc.severity;
        inc.severity = p.severity;
        ctx.notify('severity_changed', { from, to: p.severity, reason: `changed by ${actor ?? 'a person'}` });
      }
      if (p.assigned_to !== undefined) {
        this.assignTo(inc, p.assigned_to, actor, ctx);
      }
      for (const text of p.notes === undefined ? [] : Array.isArray(p.notes) ? p.notes : [p.notes]) {
        inc.notes.push({ at: iso(ctx.now), author: actor, text });
        ctx.entry('note_added', text, actor);
      }
    });
  }

  async acknowledge(id: string, actor: string | null): Promise<IncidentRecord> {
    return this.change(id, (inc, ctx) => {
      this.checkActive(inc, 'acknowledge');
      if (inc.acknowledged_at !== null) {
        return;
      }
      inc.acknowledged_at = ctx.now;
      inc.acknowledged_by = actor ?? 'anonymous';
      ctx.entry('acknowledged', `Acknowledged by ${inc.acknowledged_by}`, actor);
      ctx.notify('acknowledged', { by: inc.acknowledged_by });
    });
  }

  async assign(id: string, assignee: string | null, actor: string | null): Promise<IncidentRecord> {
    return this.change(id, (inc, ctx) => {
      if (inc.status === 'closed') {
        throw new ConflictError(`incident ${id} is closed; a closed incident cannot be assigned`);
      }
      this.assignTo(inc, assignee, actor, ctx);
    });
  }

  async resolve(id: string, notes: string | undefined, actor: string | null): Promise<IncidentRecord> {
    return this.change(id, (inc, ctx) => {
      this.checkActive(inc, 'resolve');
      if (notes) {
        inc.notes.push({ at: iso(ctx.now), author: actor, text: notes });
      }
      ctx.resolve(actor ?? 'anonymous', actor, notes);
    });
  }

  async close(id: string, notes: string | undefined, actor: string | null): Promise<IncidentRecord> {
    return this.change(id, (inc, ctx) => {
      this.checkClose(inc);
      if (notes) {
        inc.notes.push({ at: iso(ctx.now), author: actor, text: notes });
      }
      inc.closed_at = ctx.now;
      inc.closed_by = actor ?? 'anonymous';
      ctx.setStatus('closed', actor, notes);
    });
  }

  /** Events and lifecycle entries in time order. */
  async timeline(id: string, f: { event_type?: string; source?: string; limit: number }): Promise<TimelineEntry[]> {
    await this.get(id);
    const entries = [
      ...(await this.store.events.ofIncident(id)).map(eventEntry),
      ...(await this.store.incidents.timeline(id)).map(lifecycleEntry),
    ]
      .filter((e) => (!f.event_type || e.event_type === f.event_type) && (!f.source || e.source === f.source))
      .sort((a, b) => a.sort - b.sort);
    return entries.slice(0, f.limit).map(({ sort: _sort, ...e }) => e);
  }

  async stats(sinceParam: string | undefined): Promise<Stats> {
    const since = sinceParam === undefined ? undefined : this.since(sinceParam);
    const all = await this.store.incidents.allSince(since);
    const bySeverity: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
    const byType: Record<string, number> = {};
    const byStatus: Record<string, number> = Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, 0]));
    let mttdSum = 0;
    let mttrSum = 0;
    let resolvedCount = 0;
    let auto = 0;
    for (const i of all) {
      bySeverity[i.severity] += 1;
      byType[i.incident_type] = (byType[i.incident_type] ?? 0) + 1;
      byStatus[i.status] += 1;
      mttdSum += mttd(i);
      const r = mttr(i);
      if (r !== null) {
        mttrSum += r;
        resolvedCount += 1;
        if (i.resolved_by === 'auto') {
          auto += 1;
        }
      }
    }
    return {
      total_incidents: all.length,
      active_incidents: all.filter((i) => isActiveStatus(i.status)).length,
      resolved_incidents: byStatus.resolved,
      closed_incidents: byStatus.closed,
      by_severity: bySeverity,
      by_type: byType,
      by_status: byStatus,
      avg_mttd: all.length ? round3(mttdSum / all.length) : null,
      avg_mttr: resolvedCount ? round3(mttrSum / resolvedCount) : null,
      auto_resolved: auto,
      manual_resolved: resolvedCount - auto,
      since: since === undefined ? null : iso(since),
    };
  }

  private async change(id: string, fn: Parameters<IncidentEngine['mutate']>[1]): Promise<IncidentRecord> {
    const inc = await this.engine.mutate(id, fn);
    if (!inc) {
      throw new NotFoundError(`incident ${id} not found`);
    }
    return inc;
  }

  private assignTo(inc: IncidentRecord, assignee: string | null, actor: string | null, ctx: Pick<MutationContext, 'entry'>): void {
    if (assignee === inc.assigned_to) {
      return;
    }
    ctx.entry(assignee ? 'assigned' : 'unassigned', assignee ? `Assigned to ${assignee}` : `Unassigned from ${inc.assigned_to}`, actor, { from: inc.assigned_to, to: assignee });
    inc.assigned_to = assignee;
  }

  private checkActive(inc: IncidentRecord, what: string): void {
    if (!isActiveStatus(inc.status)) {
      throw new ConflictError(`cannot ${what} incident ${inc.incident_id}: it is ${inc.status}`);
    }
  }

  private checkClose(inc: IncidentRecord): void {
    if (inc.status !== 'resolved') {
      throw new ConflictError(`cannot close incident ${inc.incident_id}: only a resolved incident can be closed, and it is ${inc.status as IncidentStatus}`);
    }
  }

  private since(value: string): number {
    return requireSince(value, this.clock.now(), 'query.since');
  }
}
