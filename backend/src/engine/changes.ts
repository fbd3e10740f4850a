import type { ActionRunRecord, IncidentRecord, LifecycleEntry, OutboxRecord, RuleGroupPatch } from '../domain/records';
import type { NotificationKind } from '../schema/notifications';
import type { IncidentChange } from './change-bus';

/** The writes of one step, as the commit reads them. */
export interface ChangeWrites {
  runs: Array<{ run: ActionRunRecord; isNew: boolean }>;
  outbox: OutboxRecord[];
  postmortems: Array<[string, 'generated' | 'refreshed']>;
  created: IncidentRecord[];
  updated: IncidentRecord[];
  attachments: Array<[string, number[]]>;
  entries: LifecycleEntry[];
  groups: Array<{ ruleId: string; groupKey: string; patch: RuleGroupPatch }>;
  checkpoint: number | null;
}

/** The writes one engine step makes, committed in one transaction (commit-changes.ts). */
export class Changes {
  private readonly created = new Map<string, IncidentRecord>();
  private readonly updated = new Map<string, IncidentRecord>();
  private readonly attachments = new Map<string, number[]>();
  private readonly entries: LifecycleEntry[] = [];
  /** Rule group state to store, by rule and group, the later patch over the earlier. */
  private readonly groups = new Map<string, { ruleId: string; groupKey: string; patch: RuleGroupPatch }>();
  private readonly runs = new Map<string, { run: ActionRunRecord; isNew: boolean }>();
  /** What people must hear about; the notifier turns each into outbox rows before the commit. */
  readonly notices: Notice[] = [];
  readonly outbox: OutboxRecord[] = [];
  private readonly postmortemMarks = new Map<string, 'generated' | 'refreshed'>();
  checkpoint: number | null = null;

  create(inc: IncidentRecord): void {
    this.created.set(inc.incident_id, inc);
  }

  touch(inc: IncidentRecord, now: number): void {
    inc.updated_at = now;
    if (!this.created.has(inc.incident_id)) {
      this.updated.set(inc.incident_id, inc);
    }
  }

  attach(incidentId: string, seqs: number[]): void {
    const list = this.attachments.get(incidentId);
    if (list) {
      list.push(...seqs);
    } else {
      this.attachments.set(incidentId, [...seqs]);
    }
  }

  timeline(entry: LifecycleEntry): void {
    this.entries.push(entry);
  }

  /** Stores part of a rule group's state (its floor, its crossing). */
  group(ruleId: string, groupKey: string, patch: RuleGroupPatch): void {
    const key = `${ruleId}\u0000${groupKey}`;
    const had = this.groups.get(key);
    this.groups.set(key, { ruleId, groupKey, patch: { ...had?.patch, ...patch } });
  }

  /** Stores a new run (its intent) or a change to one. */
  run(run: ActionRunRecord, isNew = false): void {
    const had = this.runs.get(run.run_id);
    this.runs.set(run.run_id, { run, isNew: isNew || (had?.isNew ?? false) });
  }

  notify(inc: IncidentRecord, kind: NotificationKind, details: Record<string, unknown> = {}): void {
    this.notices.push({ incident: inc, kind, details, at: inc.updated_at });
  }

  /** The post-mortem was generated (at resolution) or refreshed (at closing) at `at`. */
  postmortem(incidentId: string, mark: 'generated' | 'refreshed'): void {
    this.postmortemMarks.set(incidentId, mark);
  }

  get newRuns(): ActionRunRecord[] {
    return [...this.runs.values()].filter((r) => r.isNew).map((r) => r.run);
  }

  get empty(): boolean {
    return (
      this.created.size === 0 &&
      this.updated.size === 0 &&
      this.attachments.size === 0 &&
      this.entries.length === 0 &&
      this.groups.size === 0 &&
      this.runs.size === 0 &&
      this.outbox.length === 0 &&
      this.postmortemMarks.size === 0 &&
      this.checkpoint === null
    );
  }

  /** What the commit writes (commit-changes.ts), in the order it writes them. */
  writes(): ChangeWrites {
    return {
      runs: [...this.runs.values()],
      outbox: this.outbox,
      postmortems: [...this.postmortemMarks],
      created: [...this.created.values()],
      updated: [...this.updated.values()],
      attachments: [...this.attachments],
      entries: this.entries,
      groups: [...this.groups.values()],
      checkpoint: this.checkpoint,
    };
  }

  /** What subscribers hear once the commit is durable (they read the records during the call: see ChangeBus). */
  published(): IncidentChange[] {
    const out: IncidentChange[] = [];
    for (const inc of this.created.values()) {
      out.push({ type: 'incident_created', incident: inc });
    }
    for (const inc of this.updated.values()) {
      out.push({ type: 'incident_updated', incident: inc });
    }
    return out;
  }

  get createdIncidents(): IncidentRecord[] {
    return [...this.created.values()];
  }
}

/** Something people must be told about an incident; routed to receivers when the step commits. */
export interface Notice {
  incident: IncidentRecord;
  kind: NotificationKind;
  details: Record<string, unknown>;
  at: number;
}
