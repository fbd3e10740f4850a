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

  it('gives a crossing as (seq, ts, source) in window order, with later out-of-order events after it', () => {
    const d = new IncidentDetector({ retentionSeconds: 3600, maxEvents: 1000 });
    d.setRules([rule({ error_threshold: 2 })]);
    const t = 1_000_000;
    expect(d.observe(ev(t + 5000, 'b'), true)).toEqual([]);
    expect(d.observe(ev(t, 'a'), true)).toEqual([]);
    const [open] = opens(d.observe(ev(t + 2000, 'a'), true));
    expect(open.held).toEqual([
      { seq: 2, ts: t, source: 'a' },
      { seq: 3, ts: t + 2000, source: 'a' },
      { seq: 1, ts: t + 5000, source: 'b' },
    ]);
    expect(open.stats).toEqual({ count: 2, sources: 1, error_ratio: 1 });
    expect(d.heldEvents()).toBe(3);
    expect(d.oldestHeldTs()).toBe(t);
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
});
