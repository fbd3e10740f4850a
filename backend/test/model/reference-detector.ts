import { compileMatch, groupKeyOf } from '../../src/detection/matcher';
import type { StoredEvent } from '../../src/domain/records';
import { severityRank, type Severity } from '../../src/schema/enums';
import type { DetectionRule } from '../../src/schema/rules';

/**
 * A reference detector: obviously right because after every arrival it recounts every window of
 * every rule group from scratch over every event that has arrived, straight from the wording of
 * docs/detection.md, with none of the engine's incremental state (sorted windows, held marks,
 * crossings kept, correlation indexes). It shares only the rule schema and the matchers with the
 * engine. It is slow (quadratic and worse) and meant for a few dozen events.
 *
 * What it keeps from one arrival to the next is only what cannot be recounted: the order of
 * arrival, where people resolved incidents (a rule group's floor), and what each incident already
 * holds (an incident never lets an event go, and its severity never falls).
 */

/** An escalation condition, as data the model evaluates itself; `cel` gives the engine's text of it. */
export type Condition =
  | { kind: 'metadata'; key: string; value: string }
  | { kind: 'count'; atLeast: number }
  | { kind: 'sources'; atLeast: number }
  | { kind: 'error_ratio'; above: number }
  | { kind: 'and'; left: Condition; right: Condition };

export interface ModelEscalation {
  to: Severity;
  when: Condition;
}

/** The CEL text of a condition, as a rule stored in the engine carries it. */
export function cel(c: Condition): string {
  switch (c.kind) {
    case 'metadata':
      return `event.metadata.${c.key} == ${JSON.stringify(c.value)}`;
    case 'count':
      return `window.count >= ${c.atLeast}`;
    case 'sources':
      return `window.sources >= ${c.atLeast}`;
    case 'error_ratio':
      return `window.error_ratio > ${c.above}`;
    case 'and':
      return `(${cel(c.left)}) && (${cel(c.right)})`;
  }
}

/** An arrived event: the model's own record of it. */
export interface Arrived {
  /** Its place in the order of arrival. */
  n: number;
  event: StoredEvent;
}

interface Stats {
  count: number;
  sources: number;
  error_ratio: number;
}

function holds(c: Condition, x: StoredEvent, s: Stats): boolean {
  switch (c.kind) {
    case 'metadata':
      return x.metadata[c.key] === c.value;
    case 'count':
      return s.count >= c.atLeast;
    case 'sources':
      return s.sources >= c.atLeast;
    case 'error_ratio':
      return s.error_ratio > c.above;
    case 'and':
      return holds(c.left, x, s) && holds(c.right, x, s);
  }
}

/** What the model says an incident is, in the terms the comparison uses. */
export interface ModelIncident {
  rule_id: string;
  group_key: string;
  incident_type: string;
  severity: Severity;
  active: boolean;
  /** Event ids, by the rule and by correlation. */
  events: Set<string>;
  components: Set<string>;
}

interface Tracked extends ModelIncident {
  rule: DetectionRule;
  crossedAt: number;
  ruleHeld: Set<number>;
  corrHeld: Set<number>;
}

export class ReferenceDetector {
  private readonly arrived: Arrived[] = [];
  private readonly seenIds = new Set<string>();
  private readonly floors = new Map<string, number>();
  private readonly incidents: Tracked[] = [];
  private readonly selects: Map<string, (e: StoredEvent) => boolean>;

  constructor(
    private readonly rules: DetectionRule[],
    private readonly escalations: Map<string, ModelEscalation[]>,
    private readonly retentionMs: number
  ) {
    this.selects = new Map(rules.map((r) => [r.rule_id, compileMatch(r.match)]));
  }

  /** A request's events arrive at `receivedAt`, in the order given: each is judged as it arrives, the escalations once the request is in. */
  arrive(events: Array<Omit<StoredEvent, 'seq' | 'ts' | 'received_at'> & { timestamp: number }>, receivedAt: number): void {
    for (const raw of events) {
      if (this.seenIds.has(raw.event_id)) {
        continue;
      }
      this.seenIds.add(raw.event_id);
      const { timestamp, ...rest } = raw;
      const event: StoredEvent = { ...rest, seq: this.arrived.length + 1, ts: Math.min(timestamp, receivedAt), received_at: receivedAt };
      this.arrived.push({ n: this.arrived.length + 1, event });
      for (const rule of this.rules) {
        this.detect(rule);
      }
      this.correlate();
    }
    this.escalate();
  }

  /** A person resolves the active incident of a rule group: its events never count again. */
  resolve(ruleId: string, groupKey: string): void {
    const inc = this.incidents.find((i) => i.active && i.rule_id === ruleId && i.group_key === groupKey);
    if (inc) {
      inc.active = false;
      this.floors.set(`${ruleId}\u0000${groupKey}`, this.arrived.length);
    }
  }

  /** The active incidents, oldest first. */
  active(): ModelIncident[] {
    return this.incidents.filter((i) => i.active);
  }

  /** Every incident, with the events it holds. */
  result(): ModelIncident[] {
    return this.incidents.map((i) => {
      const held = [...i.ruleHeld, ...i.corrHeld].map((n) => this.arrived[n - 1].event);
      return {
        rule_id: i.rule_id,
        group_key: i.group_key,
        incident_type: i.incident_type,
        severity: i.severity,
        active: i.active,
        events: new Set(held.map((e) => e.event_id)),
        components: new Set(held.map((e) => e.source)),
      };
    });
  }

  private countable(e: StoredEvent): boolean {
    return e.ts >= e.received_at - this.retentionMs;
  }

  /** The events a rule group counts: selected, of the group, arrived after its floor, countable. */
  private counted(rule: DetectionRule, groupKey: string): Arrived[] {
    const floor = this.floors.get(`${rule.rule_id}\u0000${groupKey}`) ?? 0;
    const selects = this.selects.get(rule.rule_id)!;
    return this.arrived.filter((a) => a.n > floor && this.countable(a.event) && selects(a.event) && groupKeyOf(rule.group_by, a.event) === groupKey);
  }

  /** The events that count in the window ending at `t`: inside it, and in an unbroken run up to `t` when runs are required. */
  private countedAt(rule: DetectionRule, counted: Arrived[], t: number): Arrived[] {
    const windowMs = rule.time_window_seconds * 1000;
    const selects = this.selects.get(rule.rule_id)!;
    return counted.filter((a) => {
      if (a.event.ts < t - windowMs || a.event.ts > t) {
        return false;
      }
      if (!rule.require_consecutive) {
        return true;
      }
      // Broken by any countable event of its source the rule does not select, from its own time up to t.
      return !this.arrived.some((b) => b.event.source === a.event.source && !selects(b.event) && this.countable(b.event) && b.event.ts >= a.event.ts && b.event.ts <= t);
    });
  }

  private crosses(rule: DetectionRule, counted: Arrived[], t: number): boolean {
    const inWindow = this.countedAt(rule, counted, t);
    return inWindow.length >= rule.error_threshold && new Set(inWindow.map((a) => a.event.source)).size >= rule.min_components_affected;
  }

  private detect(rule: DetectionRule): void {
    const groups = new Set(this.arrived.filter((a) => this.selects.get(rule.rule_id)!(a.event)).map((a) => groupKeyOf(rule.group_by, a.event)));
    for (const groupKey of groups) {
      const counted = this.counted(rule, groupKey);
      const crossings = [...new Set(counted.map((a) => a.event.ts))].sort((a, b) => a - b).filter((t) => this.crosses(rule, counted, t));
      let inc = this.incidents.find((i) => i.active && i.rule_id === rule.rule_id && i.group_key === groupKey);
      if (!inc) {
        if (crossings.length === 0) {
          continue;
        }
        inc = {
          rule,
          rule_id: rule.rule_id,
          group_key: groupKey,
          incident_type: rule.incident_type,
          severity: rule.severity,
          active: true,
          events: new Set(),
          components: new Set(),
          crossedAt: crossings[0],
          ruleHeld: new Set(),
          corrHeld: new Set(),
        };
        this.incidents.push(inc);
      } else if (crossings.length > 0 && crossings[0] < inc.crossedAt) {
        inc.crossedAt = crossings[0];
      }
      // What the incident holds by its rule: the events counted in its crossing window, and every later one.
      for (const a of this.countedAt(rule, counted, inc.crossedAt)) {
        inc.ruleHeld.add(a.n);
      }
      for (const a of counted) {
        if (a.event.ts > inc.crossedAt) {
          inc.ruleHeld.add(a.n);
        }
      }
    }
  }

  /**
   * An active incident holds every arrived event of a correlation id it holds by its rule that lies
   * at or after its crossing and at or after the earliest event it holds that id at.
   */
  private correlate(): void {
    for (const inc of this.incidents.filter((i) => i.active)) {
      const first = new Map<string, number>();
      for (const n of inc.ruleHeld) {
        const e = this.arrived[n - 1].event;
        if (e.correlation_id !== null && !(first.get(e.correlation_id)! <= e.ts)) {
          first.set(e.correlation_id, e.ts);
        }
      }
      for (const a of this.arrived) {
        const id = a.event.correlation_id;
        if (id !== null && first.has(id) && a.event.ts >= first.get(id)! && a.event.ts >= inc.crossedAt && !inc.ruleHeld.has(a.n)) {
          inc.corrHeld.add(a.n);
        }
      }
    }
  }

  /** The window statistics of a rule group at event time `t`, over everything arrived. */
  private stats(rule: DetectionRule, groupKey: string, t: number): Stats {
    const windowMs = rule.time_window_seconds * 1000;
    const inWindow = (e: StoredEvent) => e.ts >= t - windowMs && e.ts <= t;
    const group = this.counted(rule, groupKey).filter((a) => inWindow(a.event));
    const sources = new Set(group.map((a) => a.event.source));
    const total = Math.max(group.length, this.arrived.filter((a) => this.countable(a.event) && sources.has(a.event.source) && inWindow(a.event)).length);
    return { count: group.length, sources: sources.size, error_ratio: total ? group.length / total : 0 };
  }

  /** Each active incident rises to the highest escalation that holds for an event it holds, with the window at that event's time. */
  private escalate(): void {
    for (const inc of this.incidents.filter((i) => i.active)) {
      for (const n of [...inc.ruleHeld, ...inc.corrHeld]) {
        const e = this.arrived[n - 1].event;
        const s = this.stats(inc.rule, inc.group_key, e.ts);
        for (const esc of this.escalations.get(inc.rule_id) ?? []) {
          if (severityRank(esc.to) > severityRank(inc.severity) && holds(esc.when, e, s)) {
            inc.severity = esc.to;
          }
        }
      }
    }
  }
}
