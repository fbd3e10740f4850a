import { startBackend, ev, T0, type Backend } from './harness';

/** The spec's seven rules with their numbers; each fires at its threshold and not one event below. */
const BUILTINS = [
  { rule: 'error_burst', type: 'api_error', threshold: 10, window: 300, severity: 'high' },
  { rule: 'service_down', type: 'health_check_failed', threshold: 5, window: 60, severity: 'critical' },
  { rule: 'quality_drop', type: 'quality_check_failed', threshold: 5, window: 600, severity: 'medium' },
  { rule: 'workflow_failure_spike', type: 'workflow_failed', threshold: 8, window: 300, severity: 'high' },
  { rule: 'memory_exhaustion', type: 'memory_high', threshold: 3, window: 120, severity: 'critical' },
  { rule: 'performance_degradation', type: 'slow_request', threshold: 10, window: 300, severity: 'medium' },
  { rule: 'disk_space_low', type: 'disk_space_low', threshold: 3, window: 300, severity: 'high' },
];

let b: Backend;
beforeEach(async () => {
  b = await startBackend();
});
afterEach(async () => {
  await b.close();
});

async function incidents(query = ''): Promise<any[]> {
  const res = await b.get(`/api/v1/incidents${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Enough healthy traffic from a source that its errors stay under half of its events. */
function healthy(source: string, n: number, at: number) {
  return Array.from({ length: n }, () => ev('request_ok', source, at));
}

describe.each(BUILTINS)('built-in rule $rule', ({ rule, type, threshold, window, severity }) => {
  it(`opens one ${severity} incident at ${threshold} events within ${window}s, none at ${threshold - 1}`, async () => {
    const spacing = (window - 1) / threshold;
    const events = Array.from({ length: threshold }, (_, i) => ev(type, 'svc-a', -window + i * spacing));
    await b.post('/api/v1/events', healthy('svc-a', threshold * 2, -window));
    expect((await b.post('/api/v1/events', events.slice(0, -1))).status).toBe(202);
    expect(await incidents()).toHaveLength(0);

    const res = await b.post('/api/v1/events', events.slice(-1));
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ rule_id: rule, incident_type: rule, severity, status: 'investigating', event_count: threshold, affected_components: ['svc-a'] });
    // Detected when the crossing event arrived (now); started at the first event of the window.
    expect(list[0].mttd).toBe(window);
  });

  it(`does not fire when ${threshold} events spread over more than ${window}s`, async () => {
    const spacing = (window + 5) / (threshold - 1);
    const events = Array.from({ length: threshold }, (_, i) => ev(type, 'svc-a', -3000 + i * spacing));
    await b.post('/api/v1/events', events);
    expect(await incidents()).toHaveLength(0);
  });
});

describe('one incident, not a storm', () => {
  it('attaches further events to the active incident and counts duplicates once', async () => {
    const batch = Array.from({ length: 12 }, (_, i) => ev('api_error', 'api', -100 + i));
    expect((await b.post('/api/v1/events', batch)).body).toEqual({ accepted: 12, duplicates: 0 });
    expect((await b.post('/api/v1/events', batch)).body).toEqual({ accepted: 0, duplicates: 12 });
    await b.post('/api/v1/events', [ev('timeout_error', 'worker', -10)]);
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0].event_count).toBe(13);
    expect(list[0].affected_components).toEqual(['api', 'worker']);
    expect(list[0].root_cause).toMatchObject({
      primary_error_type: 'api_error',
      primary_source: 'api',
      error_distribution: { api_error: 12, timeout_error: 1 },
      source_distribution: { api: 12, worker: 1 },
    });
    expect(list[0].root_cause.evidence.event_id).toBe(batch[0].event_id);
  });

  it('never counts the events of a resolved incident again', async () => {
    await b.post('/api/v1/events', Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -200 + i)));
    const [first] = await incidents();
    expect((await b.post(`/api/v1/incidents/${first.incident_id}/resolve`, { notes: 'fixed' })).status).toBe(200);

    await b.post('/api/v1/events', Array.from({ length: 9 }, (_, i) => ev('api_error', 'api', -100 + i)));
    expect(await incidents('?status=active')).toHaveLength(0);
    await b.post('/api/v1/events', [ev('api_error', 'api', -50)]);
    const active = await incidents('?status=active');
    expect(active).toHaveLength(1);
    expect(active[0].event_count).toBe(10);
    expect(active[0].incident_id).not.toBe(first.incident_id);
  });

  it('joins an event of another rule and source by correlation_id', async () => {
    await b.post('/api/v1/events', Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -100 + i, { correlation_id: i === 3 ? 'req-42' : undefined })));
    await b.post('/api/v1/events', [ev('cache_miss', 'redis', -5, { correlation_id: 'req-42' }), ev('cache_miss', 'redis', -4, { correlation_id: 'req-43' })]);
    const [inc] = await incidents();
    expect(inc.event_count).toBe(11);
    expect(inc.affected_components).toEqual(['api', 'redis']);
    const timeline = (await b.get(`/api/v1/incidents/${inc.incident_id}/timeline?source=redis`)).body;
    expect(timeline.map((t: any) => t.event_type)).toEqual(['cache_miss']);
  });

  it('counts an out-of-order event where its timestamp puts it', async () => {
    await b.post('/api/v1/events', Array.from({ length: 8 }, (_, i) => ev('api_error', 'api', -100 + i * 10)));
    await b.post('/api/v1/events', [ev('api_error', 'api', -500), ev('api_error', 'api', -150)]);
    // The window that ends at a late event's timestamp holds what came before it, not after.
    expect(await incidents()).toHaveLength(0);
    await b.post('/api/v1/events', [ev('api_error', 'api', -10)]);
    const [inc] = await incidents();
    expect(inc.event_count).toBe(10);
    expect(inc.started_at).toBe(new Date(T0 - 150_000).toISOString());
  });

  it.each([
    ['oldest first, in one request', (e: unknown[]) => [e]],
    ['newest first, in one request', (e: unknown[]) => [[...e].reverse()]],
    ['shuffled, in one request', (e: unknown[]) => [[3, 7, 0, 9, 5, 1, 8, 2, 6, 4].map((i) => e[i])]],
    ['newest first, one per request', (e: unknown[]) => [...e].reverse().map((x) => [x])],
    ['newest half first, in two requests', (e: unknown[]) => [e.slice(5), e.slice(0, 5)]],
  ])('opens the same incident for ten errors within 90 s sent %s', async (_name, split) => {
    const events = Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -90 + i * 10));
    for (const batch of split(events)) {
      expect((await b.post('/api/v1/events', batch)).status).toBe(202);
    }
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ rule_id: 'error_burst', event_count: 10, started_at: new Date(T0 - 90_000).toISOString() });
    const held = (await b.get(`/api/v1/incidents/${list[0].incident_id}/timeline`)).body.filter((t: any) => t.event_type === 'api_error');
    expect(held).toHaveLength(10);
  });

  it('stores but does not count an event older than the retention', async () => {
    await b.post('/api/v1/events', Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -4000 + i)));
    expect(await incidents()).toHaveLength(0);
    expect((await b.get('/api/v1/events?source=api&limit=100')).body).toHaveLength(10);
  });

  it('clamps a future timestamp to the arrival time', async () => {
    await b.post('/api/v1/events', [ev('deploy', 'ci', 3600)]);
    const [stored] = (await b.get('/api/v1/events')).body;
    expect(stored.timestamp).toBe(stored.received_at);
  });
});

describe('custom rules', () => {
  const base = { name: 'Custom', incident_type: 'custom', severity: 'high', error_threshold: 3, time_window_seconds: 300 };

  it('require_consecutive counts only unbroken runs of a source', async () => {
    await b.post('/api/v1/rules', { ...base, rule_id: 'checks', require_consecutive: true, match: { event_types: ['check_failed'] } });
    await b.post('/api/v1/events', [ev('check_failed', 'db', -60), ev('check_failed', 'db', -50), ev('check_ok', 'db', -40), ev('check_failed', 'db', -30), ev('check_failed', 'db', -20)]);
    expect(await incidents()).toHaveLength(0);
    await b.post('/api/v1/events', [ev('check_failed', 'db', -10)]);
    const [inc] = await incidents();
    expect(inc).toMatchObject({ rule_id: 'checks', event_count: 3 });
  });

  it('min_components_affected waits for enough distinct sources', async () => {
    await b.post('/api/v1/rules', { ...base, rule_id: 'spread', error_threshold: 4, min_components_affected: 2, match: { event_types: ['conn_refused'] } });
    await b.post('/api/v1/events', Array.from({ length: 6 }, (_, i) => ev('conn_refused', 'a', -60 + i)));
    expect(await incidents()).toHaveLength(0);
    await b.post('/api/v1/events', [ev('conn_refused', 'b', -10)]);
    const [inc] = await incidents();
    expect(inc.affected_components.sort()).toEqual(['a', 'b']);
  });

  it('group_by splits counting and incidents', async () => {
    await b.post('/api/v1/rules', { ...base, rule_id: 'per_region', group_by: ['metadata.region'], match: { event_types: ['timeout'], metadata: [{ key: 'region', op: '=~', value: 'eu-.*' }] } });
    const r = (region: string, at: number) => ev('timeout', `svc-${region}`, at, { metadata: { region } });
    await b.post('/api/v1/events', [r('eu-west', -50), r('eu-east', -49), r('eu-west', -48), r('eu-east', -47), r('us-east', -46), r('us-east', -45), r('us-east', -44)]);
    expect(await incidents()).toHaveLength(0);
    await b.post('/api/v1/events', [r('eu-west', -40), r('eu-east', -39)]);
    const list = await incidents();
    expect(list.map((i) => i.group_key).sort()).toEqual(['metadata.region=eu-east', 'metadata.region=eu-west']);
  });

  it('a changed threshold applies to the events already in the window', async () => {
    await b.post('/api/v1/events', Array.from({ length: 6 }, (_, i) => ev('api_error', 'api', -60 + i)));
    expect((await b.req('PATCH', '/api/v1/rules/error_burst', { error_threshold: 7 })).status).toBe(200);
    await b.post('/api/v1/events', [ev('api_error', 'api', -10)]);
    expect(await incidents()).toHaveLength(1);
  });
});

describe('severity escalation (the matrix)', () => {
  const cases: Array<[string, string, () => any[], string]> = [
    ['error_burst: more than half the events are errors', 'error_burst', () => Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -100 + i)), 'critical'],
    ['quality_drop: coverage under 50', 'quality_drop', () => Array.from({ length: 5 }, (_, i) => ev('quality_check_failed', 'ci', -100 + i, { metadata: { metric: 'coverage', value: i === 4 ? 40 : 72 } })), 'high'],
    ['workflow_failure_spike: a critical workflow', 'workflow_failure_spike', () => Array.from({ length: 8 }, (_, i) => ev('workflow_failed', 'wf', -100 + i, { metadata: { critical: i === 7 } })), 'critical'],
    ['performance_degradation: more than 5x slowdown', 'performance_degradation', () => Array.from({ length: 10 }, (_, i) => ev('slow_request', 'api', -100 + i, { metadata: { duration_ms: i === 9 ? 5200 : 1500, threshold_ms: 1000 } })), 'high'],
    ['disk_space_low: less than 5% free', 'disk_space_low', () => Array.from({ length: 3 }, (_, i) => ev('disk_space_low', 'db', -100 + i, { metadata: { usage_percent: 90 + i * 3 } })), 'critical'],
  ];
  it.each(cases)('%s', async (_name, rule, events, to) => {
    await b.post('/api/v1/events', events());
    const [inc] = await incidents();
    expect(inc).toMatchObject({ rule_id: rule, severity: to });
    const timeline = (await b.get(`/api/v1/incidents/${inc.incident_id}/timeline?event_type=severity_escalated`)).body;
    expect(timeline).toHaveLength(1);
  });

  it('does not rise when the condition does not hold', async () => {
    await b.post('/api/v1/events', Array.from({ length: 3 }, (_, i) => ev('disk_space_low', 'db', -100 + i, { metadata: { usage_percent: 92 } })));
    expect((await incidents())[0].severity).toBe('high');
  });

  it('rises one step when an api_rate_limit incident is prolonged and still receiving events', async () => {
    await b.post('/api/v1/rules', { rule_id: 'rate', name: 'Rate limited', incident_type: 'api_rate_limit', severity: 'medium', error_threshold: 2, time_window_seconds: 600, match: { event_types: ['rate_limited'] } });
    await b.post('/api/v1/events', [ev('rate_limited', 'api', -20), ev('rate_limited', 'api', -10)]);
    for (let i = 0; i < 4; i++) {
      await b.advance(450);
      await b.post('/api/v1/events', [ev('rate_limited', 'api', new Date(b.clock.now()).toISOString())]);
    }
    const [inc] = await incidents();
    expect(inc.severity).toBe('high');
  });
});

describe('recovery', () => {
  it('moves a quiet incident to recovering, then resolves it automatically', async () => {
    await b.post('/api/v1/events', Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -30 + i)));
    await b.advance(200);
    expect((await incidents())[0].status).toBe('investigating');
    await b.advance(120);
    expect((await incidents())[0].status).toBe('recovering');
    await b.advance(301);
    const [inc] = await incidents();
    expect(inc).toMatchObject({ status: 'resolved', resolved_by: 'auto' });
    expect(inc.mttr).toBeCloseTo(621, 0);
    const stats = (await b.get('/api/v1/stats')).body;
    expect(stats).toMatchObject({ total_incidents: 1, resolved_incidents: 1, auto_resolved: 1, manual_resolved: 0 });
  });

  it('goes back to its status when a matching event arrives while recovering', async () => {
    await b.post('/api/v1/events', Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -30 + i)));
    await b.advance(400);
    expect((await incidents())[0].status).toBe('recovering');
    await b.post('/api/v1/events', [ev('api_error', 'api', new Date(b.clock.now()).toISOString())]);
    expect((await incidents())[0].status).toBe('investigating');
  });

  it('stays open when the rule turns auto-resolution off', async () => {
    await b.req('PATCH', '/api/v1/rules/error_burst', { auto_resolve: false });
    await b.post('/api/v1/events', Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -30 + i)));
    await b.advance(400);
    await b.advance(400);
    expect((await incidents())[0].status).toBe('recovering');
  });
});

describe('event log retention', () => {
  it('prunes stored events that no incident holds once they are older than the log retention', async () => {
    await b.close();
    b = await startBackend({ detection: { event_log_retention_seconds: 3600 } });
    await b.post('/api/v1/events', [ev('deploy', 'ci', -10), ...Array.from({ length: 10 }, (_, i) => ev('api_error', 'api', -30 + i))]);
    await b.advance(1800);
    expect((await b.get('/api/v1/events?limit=100')).body).toHaveLength(11);
    await b.advance(1900);
    const left = (await b.get('/api/v1/events?limit=100')).body;
    expect(left.map((e: any) => e.event_type)).toEqual(Array(10).fill('api_error'));
  });
});
