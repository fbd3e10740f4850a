import type { StoredEvent } from '../domain/records';
import type { DetectionRule } from '../schema/rules';
import { IncidentDetector, type Detection } from './detector';

function rule(over: Partial<DetectionRule>): DetectionRule {
  return {
    rule_id: 'r',
    name: 'r',
    description: '',
    incident_type: 'error_burst',
    severity: 'low',
    error_threshold: 3,
    time_window_seconds: 60,
    check_interval_seconds: 30,
    match: { event_types: ['err'] },
    group_by: [],
    enabled: true,
    require_consecutive: false,
    min_components_affected: 1,
    auto_resolve: true,
    ...over,
  } as DetectionRule;
}

let seq = 0;
function ev(ts: number, source: string, eventType = 'err'): StoredEvent {
  seq += 1;
  return {
    seq,
    event_id: `e${seq}`,
    ts,
    received_at: ts,
    event_type: eventType,
    source,
    severity: 'high',
    message: `m${seq}`,
    metadata: {},
    correlation_id: null,
  };
}

type Open = Extract<Detection, { kind: 'open' }>;

function opens(ds: Detection[]): Open[] {
  return ds.filter((d): d is Open => d.kind === 'open');
}

describe('IncidentDetector windows', () => {
  beforeEach(() => {
    seq = 0;
  });

  it('opens on the late event that completes a window ending at an earlier arrival, holding that window in (ts, seq) order', () => {
    const d = new IncidentDetector({ retentionSeconds: 3600, maxEvents: 1000 });
    d.setRules([rule({ error_threshold: 2 })]);
    const t = 1_000_000;
    expect(d.observe(ev(t + 5000, 'b'), true)).toEqual([]);
    const [open] = opens(d.observe(ev(t, 'a'), true));
    expect(open.crossedAt).toBe(t + 5000);
    expect(open.held).toEqual([
      { seq: 2, ts: t, source: 'a' },
      { seq: 1, ts: t + 5000, source: 'b' },
    ]);
    d.bindIncident('r', '', 'inc_1', open.crossedAt);
    // Inside the crossing window: held, and with the event at t it completes an earlier window, so the
    // crossing moves back to it.
    expect(d.observe(ev(t + 2000, 'a'), true)).toMatchObject([
      { kind: 'attach', held: [{ seq: 3, ts: t + 2000 }], crossedAt: t + 2000, crossedBefore: t + 5000 },
    ]);
    expect(d.heldEvents()).toBe(3);
    expect(d.oldestHeldTs()).toBe(t);
  });

  it('moves the crossing back when a late event completes an earlier window, holding what that window adds', () => {
    const d = new IncidentDetector({ retentionSeconds: 3600, maxEvents: 1000 });
    // No escalation reads the windows, so an event only counted is not reported.
    d.setRules([rule({ error_threshold: 3, escalations: [] })]);
    const t = 1_000_000;
    d.observe(ev(t + 100_000, 'a'), true);
    d.observe(ev(t + 110_000, 'a'), true);
    const [open] = opens(d.observe(ev(t + 120_000, 'a'), true));
    expect(open.crossedAt).toBe(t + 120_000);
    d.bindIncident('r', '', 'inc_1', open.crossedAt);
    // Older than the crossing window and completing none: counted, not held.
    expect(d.observe(ev(t, 'a'), true)).toEqual([]);
    // Completes [t - 60s + 30s, t + 30s] with the one before: the crossing moves back to t + 30s.
    expect(d.observe(ev(t + 20_000, 'a'), true)).toEqual([]);
    const [attach] = d.observe(ev(t + 30_000, 'a'), true);
    expect(attach).toMatchObject({ kind: 'attach', crossedAt: t + 30_000, crossedBefore: t + 120_000 });
    expect(attach.kind === 'attach' && attach.held.map((h) => h.seq)).toEqual([4, 5, 6]);
    expect(d.crossedAt('r', '')).toBe(t + 30_000);
  });

  it('opens the same incident for a batch in any order', () => {
    const t = 1_000_000;
    const batch = Array.from({ length: 10 }, (_, i) => ({ ts: t + i * 9000, source: `s${i % 3}` }));
    const heldOf = (order: typeof batch) => {
      seq = 0;
      const d = new IncidentDetector({ retentionSeconds: 3600, maxEvents: 1000 });
      d.setRules([rule({ error_threshold: 10, time_window_seconds: 90, min_components_affected: 3 })]);
      const held: number[] = [];
      for (const p of order) {
        for (const x of d.observe(ev(p.ts, p.source), true)) {
          if (x.kind === 'open') {
            d.bindIncident('r', '', 'inc_1', x.crossedAt);
          }
          if (x.kind !== 'counted') {
            held.push(...x.held.map((h) => h.ts));
          }
        }
      }
      return held.sort();
    };
    const inOrder = heldOf(batch);
    expect(inOrder).toHaveLength(10);
    expect(heldOf([...batch].reverse())).toEqual(inOrder);
    expect(heldOf([batch[5], batch[0], batch[9], batch[2], batch[7], batch[1], batch[8], batch[3], batch[6], batch[4]])).toEqual(inOrder);
  });

  it('counts only trailing runs when consecutive events are required, and distinct sources', () => {
    const d = new IncidentDetector({ retentionSeconds: 3600, maxEvents: 1000 });
    d.setRules([rule({ error_threshold: 2, require_consecutive: true, min_components_affected: 2 })]);
    const t = 1_000_000;
    d.observe(ev(t, 'a'), true);
    d.observe(ev(t + 1, 'a', 'ok'), true);
    expect(opens(d.observe(ev(t + 2, 'a'), true))).toEqual([]);
    expect(opens(d.observe(ev(t + 3, 'a'), true))).toEqual([]);
    const [open] = opens(d.observe(ev(t + 4, 'b'), true));
    expect(open.held.map((h) => h.seq)).toEqual([3, 4, 5]);
    expect(new Set(open.held.map((h) => h.source))).toEqual(new Set(['a', 'b']));
  });

  it('breaks a run by an event of its source that arrived before any the rule selected', () => {
    const d = new IncidentDetector({ retentionSeconds: 3600, maxEvents: 1000 });
    d.setRules([rule({ error_threshold: 3, require_consecutive: true })]);
    const t = 1_000_000;
    // The recovery at t+2 arrives first; the failures around it come later.
    d.observe(ev(t + 2, 'a', 'ok'), true);
    d.observe(ev(t, 'a'), true);
    d.observe(ev(t + 1, 'a'), true);
    expect(opens(d.observe(ev(t + 3, 'a'), true))).toEqual([]);
    expect(opens(d.observe(ev(t + 4, 'a'), true))).toEqual([]);
    const [open] = opens(d.observe(ev(t + 5, 'a'), true));
    expect(open.held.map((h) => h.ts)).toEqual([t + 3, t + 4, t + 5]);
  });
});
