import fc from 'fast-check';
import { compileMatch } from '../../src/detection/matcher';
import type { Severity } from '../../src/schema/enums';
import { DetectionRuleSchema, type DetectionRule } from '../../src/schema/rules';
import { cel, type Condition, type ModelEscalation } from './reference-detector';

/**
 * Random detection scenarios: a few rules of every shape (thresholds, group_by, consecutive runs,
 * components, metadata matchers, escalations), a stream of events over a few minutes, and the order
 * and requests they arrive in, with people resolving incidents between requests. Small vocabularies
 * keep collisions (same source, type, correlation id, timestamp) frequent.
 */

const TYPES = ['api_error', 'db_error', 'check_failed', 'check_ok', 'request_ok'] as const;
const SOURCES = ['a', 'b', 'c', 'd'] as const;
const REGIONS = ['eu', 'us'] as const;
const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];

/** A rule as generated: the DetectionRule fields, and the escalations as conditions the model reads. */
export interface GenRule {
  rule_id: string;
  event_types: string[];
  sources: string[] | null;
  metadata: Array<{ key: string; op: '=' | '!=' | '=~' | '!~'; value: string }>;
  threshold: number;
  windowSeconds: number;
  consecutive: boolean;
  minComponents: number;
  groupBy: string[];
  severity: Severity;
  escalations: ModelEscalation[];
}

export interface GenEvent {
  event_id: string;
  event_type: string;
  source: string;
  /** Seconds after the scenario's start. */
  at: number;
  metadata: Record<string, string>;
  correlation_id: string | null;
}

export type Step = { kind: 'request'; events: number[]; at: number } | { kind: 'resolve'; pick: number };

export interface Scenario {
  rules: GenRule[];
  events: GenEvent[];
  steps: Step[];
}

const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('metadata' as const), key: fc.constantFrom('region', 'critical'), value: fc.constantFrom('eu', 'us', 'yes') }),
    fc.record({ kind: fc.constant('count' as const), atLeast: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('sources' as const), atLeast: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('error_ratio' as const), above: fc.constantFrom(0.3, 0.5, 0.7, 0.9) }),
    fc.record({ kind: fc.constant('and' as const), left: tie('c'), right: tie('c') })
  ),
})).c;

const rule = (i: number): fc.Arbitrary<GenRule> =>
  fc.record({
    rule_id: fc.constant(`r${i}`),
    event_types: fc.oneof(
      { arbitrary: fc.subarray(['api_error', 'db_error', 'check_failed'], { minLength: 1 }), weight: 1 },
      { arbitrary: fc.constantFrom<string[]>(['*error'], ['check_*'], ['*']), weight: 3 }
    ),
    sources: fc.option(fc.subarray([...SOURCES], { minLength: 2 }), { freq: 6 }),
    metadata: fc.array(
      fc.record({
        key: fc.constant('region'),
        op: fc.constantFrom('=' as const, '!=' as const, '=~' as const, '!~' as const),
        value: fc.constantFrom('eu', 'us', 'e.*', ''),
      }),
      { maxLength: 1 }
    ).map((m) => (m.length && m[0].value === 'us' && m[0].op === '=' ? [] : m)),
    threshold: fc.integer({ min: 1, max: 4 }),
    windowSeconds: fc.oneof(fc.integer({ min: 5, max: 30 }), fc.integer({ min: 30, max: 200 })),
    consecutive: fc.boolean(),
    minComponents: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) }),
    groupBy: fc.constantFrom([], [], ['source'], ['metadata.region'], ['event_type']),
    severity: fc.constantFrom<Severity>('low', 'medium', 'high'),
    escalations: fc.array(fc.record({ to: fc.constantFrom(...SEVERITIES), when: condition }), { maxLength: 2 }),
  });

const event = (i: number): fc.Arbitrary<GenEvent> =>
  fc.record({
    event_id: fc.constant(`ev${i}`),
    event_type: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('api_error', 'db_error', 'check_failed') }, { weight: 1, arbitrary: fc.constantFrom(...TYPES) }),
    source: fc.constantFrom(...SOURCES),
    // Whole seconds over a few minutes, so that many share a timestamp.
    at: fc.integer({ min: 0, max: 180 }),
    metadata: fc.record({ region: fc.constantFrom(...REGIONS), critical: fc.constantFrom('yes', 'no') }, { requiredKeys: [] }),
    correlation_id: fc.option(fc.constantFrom('c1', 'c2', 'c3'), { freq: 3 }),
  });

/**
 * Arrival: a permutation of the events split into requests, each at a time no earlier than the one
 * before. Most requests arrive after every event time; some before (their events are clamped to
 * arrival), some past the retention (too old to count). Some repeat an earlier event (a retry).
 */
function steps(n: number, retentionSeconds: number): fc.Arbitrary<Step[]> {
  return fc
    .record({
      order: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n }
      ),
      cuts: fc.array(fc.integer({ min: 1, max: Math.max(1, n) }), { maxLength: 8 }),
      gaps: fc.array(fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 30 }) }, { weight: 1, arbitrary: fc.constant(retentionSeconds) }), { minLength: 10, maxLength: 10 }),
      start: fc.oneof({ weight: 5, arbitrary: fc.constant(180) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 180 }) }),
      resolves: fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.nat(5)), { maxLength: 3 }),
      retries: fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.nat(n)), { maxLength: 2 }),
    })
    .map(({ order, cuts, gaps, start, resolves, retries }) => {
      const bounds = [...new Set(cuts.filter((c) => c < n))].sort((a, b) => a - b);
      const chunks: number[][] = [];
      let from = 0;
      for (const b of [...bounds, n]) {
        chunks.push(order.slice(from, b));
        from = b;
      }
      const out: Step[] = [];
      let at = start;
      chunks.forEach((events, i) => {
        for (const [after, pick] of resolves) {
          if (after === i) {
            out.push({ kind: 'resolve', pick });
          }
        }
        const retry = retries.filter(([after]) => after === i).map(([, which]) => order[which % n]);
        at += gaps[i % gaps.length];
        out.push({ kind: 'request', events: [...events, ...retry], at });
      });
      for (const [after, pick] of resolves) {
        if (after >= chunks.length) {
          out.push({ kind: 'resolve', pick });
        }
      }
      return out;
    });
}

/** A scenario of up to `maxEvents` events and three rules. */
export function scenario(maxEvents: number, retentionSeconds: number): fc.Arbitrary<Scenario> {
  return fc
    .tuple(
      fc.integer({ min: 1, max: 3 }).chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => rule(i)))),
      fc.integer({ min: Math.min(4, maxEvents), max: maxEvents }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => event(i))))
    )
    .chain(([rules, events]) => steps(events.length, retentionSeconds).map((s) => ({ rules, events, steps: s })));
}

/** The rule as the engine stores it. */
export function detectionRule(g: GenRule): DetectionRule {
  return DetectionRuleSchema.parse({
    rule_id: g.rule_id,
    name: `Rule ${g.rule_id}`,
    incident_type: 'custom',
    severity: g.severity,
    error_threshold: g.threshold,
    time_window_seconds: g.windowSeconds,
    check_interval_seconds: 60,
    require_consecutive: g.consecutive,
    min_components_affected: g.minComponents,
    match: { event_types: g.event_types, ...(g.sources ? { sources: g.sources } : {}), ...(g.metadata.length ? { metadata: g.metadata } : {}) },
    group_by: g.groupBy,
    escalations: g.escalations.map((e) => ({ to: e.to, when: cel(e.when) })),
    auto_resolve: false,
    builtin: false,
    from_alert_labels: false,
  });
}

/** Whether a condition can only become true as events arrive (never false again): error ratios can fall. */
function monotone(c: Condition): boolean {
  return c.kind === 'and' ? monotone(c.left) && monotone(c.right) : c.kind !== 'error_ratio';
}

/**
 * Scenarios whose outcome cannot depend on the order of arrival, by docs/detection.md: no person
 * resolves anything, every request arrives after every event time and within the retention, no
 * escalation reads an error ratio (a late healthy event lowers it after the fact), and an event
 * that breaks a run of a rule requiring consecutive events arrives before every event that rule
 * selects at or after its time (an incident once opened is not withdrawn when a late event shows
 * that its run was broken). Scenarios where that cannot be arranged (a tie between a break of one
 * rule and a break of another, each selected by the other) are left out.
 */
export function orderScenario(maxEvents: number): fc.Arbitrary<Scenario> {
  return scenario(maxEvents, 10_000)
    .map((s) => {
      const rules = s.rules.map((r) => ({ ...r, escalations: r.escalations.filter((e) => monotone(e.when)) }));
      let at = 180;
      const arrivals: Array<{ request: number; event: number }> = [];
      const times: number[] = [];
      for (const step of s.steps) {
        if (step.kind === 'request') {
          at += Math.min(30, Math.max(0, step.at - at));
          times.push(at);
          arrivals.push(...step.events.map((event) => ({ request: times.length - 1, event })));
        }
      }
      const ordered = breaksFirst(arrivals, rules, s.events);
      if (!ordered) {
        return null;
      }
      const steps: Step[] = times.map((t, r) => ({ kind: 'request', at: t, events: ordered.filter((a) => a.request === r).map((a) => a.event) }));
      return { rules, events: s.events, steps: steps.filter((x) => x.kind === 'request' && x.events.length > 0) };
    })
    .filter((s): s is Scenario => s !== null);
}

/**
 * Moves each event that breaks a consecutive rule's runs before the first arrival of an event that
 * rule selects at or after its time (into that arrival's request), until none is out of place; null
 * when that does not settle.
 */
function breaksFirst<A extends { request: number; event: number }>(arrivals: A[], rules: GenRule[], events: GenEvent[]): A[] | null {
  const consecutive = rules.filter((r) => r.consecutive).map((r) => compileMatch(detectionRule(r).match));
  const selected = consecutive.map((selects) => events.map((e, i) => selects({ ...e, seq: i + 1, ts: e.at * 1000, received_at: 0, severity: 'medium', message: '' })));
  const out = [...arrivals];
  for (let round = 0; round <= out.length * out.length; round++) {
    let moved = false;
    for (const sel of selected) {
      for (let k = 0; k < out.length && !moved; k++) {
        const b = out[k].event;
        if (sel[b] || out.findIndex((a) => a.event === b) !== k) {
          continue;
        }
        const first = out.findIndex((a) => a.event !== b && sel[a.event] && events[a.event].at >= events[b].at);
        if (first >= 0 && first < k) {
          const [arrival] = out.splice(k, 1);
          out.splice(first, 0, { ...arrival, request: out[first].request });
          moved = true;
        }
      }
    }
    if (!moved) {
      return out;
    }
  }
  return null;
}

/** The same scenario as one request of its events in time order (a run's breaks first at a tie), at the last request's time. */
export function inTimeOrder(s: Scenario): Scenario {
  const order = s.events.map((_, i) => i).sort((a, b) => s.events[a].at - s.events[b].at);
  const ordered = breaksFirst(order.map((event) => ({ request: 0, event })), s.rules, s.events)!;
  const last = s.steps.filter((x) => x.kind === 'request').pop();
  return { ...s, steps: [{ kind: 'request', events: ordered.map((a) => a.event), at: last?.kind === 'request' ? last.at : 180 }] };
}
