import { ev, startBackend, type Backend } from './harness';
import { TEST_STORE } from './test-store';

let b: Backend;
beforeAll(async () => {
  b = await startBackend({ ingest: { max_batch: 50 }, server: { body_limit_bytes: 64 * 1024 } });
  // One incident per source, so each test opens its own.
  await b.post('/api/v1/rules', { rule_id: 'probe', name: 'Probe failures', incident_type: 'service_down', severity: 'high', error_threshold: 10, time_window_seconds: 300, match: { event_types: ['probe_failed'] }, group_by: ['source'] });
});
afterAll(async () => {
  await b.close();
});

async function openIncident(source: string): Promise<string> {
  await b.post('/api/v1/events', Array.from({ length: 10 }, (_, i) => ev('probe_failed', source, -100 + i)));
  const list = (await b.get(`/api/v1/incidents?component=${source}`)).body;
  return list[0].incident_id;
}

describe('events', () => {
  it('answers 400 naming the field, and stores nothing of a rejected batch', async () => {
    const before = (await b.get('/api/v1/events?limit=1000')).body.length;
    const res = await b.post('/api/v1/events', [ev('api_error', 'x', -1), { event_type: 'api_error', message: 'no source' }, { ...ev('e', 's', -1), severity: 'urgent' }]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: any) => d.field)).toEqual(['[1].source', '[2].severity']);
    expect((await b.get('/api/v1/events?limit=1000')).body.length).toBe(before);
  });

  it('stores a message with NUL characters on either store (PostgreSQL text holds U+FFFD in their place)', async () => {
    const res = await b.post('/api/v1/events', [{ event_type: 'nul_text', source: 'nul-src', message: 'a\u0000b' }, { event_type: 'nul_text', source: 'nul-src', message: '\u0000' }]);
    expect(res).toMatchObject({ status: 202, body: { accepted: 2 } });
    const stored = (await b.get('/api/v1/events?event_type=nul_text')).body.map((e: { message: string }) => e.message).sort();
    const nul = TEST_STORE === 'postgres' ? '\ufffd' : '\u0000';
    expect(stored).toEqual([nul, `a${nul}b`].sort());
  });

  it('takes severities in any case and fills the defaults', async () => {
    const res = await b.post('/api/v1/events', { event_type: 'deploy', source: 'ci', message: 'v2', severity: 'HIGH' });
    expect(res).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    const [stored] = (await b.get('/api/v1/events?event_type=deploy')).body;
    expect(stored).toMatchObject({ severity: 'high', metadata: {}, correlation_id: null });
    expect(stored.event_id).toMatch(/^evt_/);
  });

  it('answers 400 for malformed JSON, 413 for a batch or body over the limit', async () => {
    expect((await b.req('POST', '/api/v1/events', '{"event_type": ')).status).toBe(400);
    const big = await b.post('/api/v1/events', Array.from({ length: 51 }, () => ev('x', 'y', -1)));
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/at most 50 events/);
    const huge = await b.post('/api/v1/events', { event_type: 'x', source: 'y', message: 'z'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('answers 415 for a body that is not JSON, and stores nothing', async () => {
    const before = (await b.get('/api/v1/events?limit=1000')).body.length;
    const res = await b.req('POST', '/api/v1/events', JSON.stringify([ev('x', 'y', -1)]), { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'unsupported_media_type', message: 'body: send it as application/json, not text/plain' });
    expect((await b.get('/api/v1/events?limit=1000')).body.length).toBe(before);
  });

  it('answers 400 for a bad since', async () => {
    const res = await b.get('/api/v1/events?since=yesterday-ish');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('query.since');
  });
});

describe('incidents', () => {
  it('creates, acknowledges, assigns, notes, resolves and closes, each in the timeline', async () => {
    const created = await b.req('POST', '/api/v1/incidents', { incident_type: 'SECURITY_BREACH', severity: 'critical', title: 'Leaked token', components: ['auth'] }, { 'X-Grafana-User': 'alice' });
    expect(created.status).toBe(201);
    const id = created.body.incident_id;
    expect(created.body).toMatchObject({ incident_type: 'security_breach', status: 'investigating', affected_components: ['auth'] });

    expect((await b.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'bob' })).body).toMatchObject({ acknowledged_by: 'bob' });
    expect((await b.post(`/api/v1/incidents/${id}/assign`, { assignee: 'john.doe' })).body.assigned_to).toBe('john.doe');
    expect((await b.post(`/api/v1/incidents/${id}/assign`, { assignee: null })).body.assigned_to).toBeNull();
    const patched = await b.req('PATCH', `/api/v1/incidents/${id}`, { status: 'investigating', notes: 'rotating keys', severity: 'high' });
    expect(patched.body).toMatchObject({ status: 'investigating', severity: 'high', notes: [{ text: 'rotating keys' }] });

    const close409 = await b.post(`/api/v1/incidents/${id}/close`, {});
    expect(close409.status).toBe(409);
    expect(close409.body.error.message).toMatch(/only a resolved incident can be closed/);

    expect((await b.post(`/api/v1/incidents/${id}/resolve`, { notes: 'keys rotated', by: 'bob' })).body).toMatchObject({ status: 'resolved', resolved_by: 'bob' });
    expect((await b.post(`/api/v1/incidents/${id}/resolve`, {})).status).toBe(409);
    expect((await b.post(`/api/v1/incidents/${id}/close`, {})).body.status).toBe('closed');
    expect((await b.req('PATCH', `/api/v1/incidents/${id}`, { status: 'investigating' })).status).toBe(409);

    const timeline = (await b.get(`/api/v1/incidents/${id}/timeline`)).body;
    expect(timeline.map((t: any) => t.event_type)).toEqual([
      'detected', 'status_changed', 'status_changed', 'checklist', 'acknowledged', 'assigned', 'unassigned', 'severity_changed', 'note_added', 'status_changed', 'status_changed',
    ]);
    expect(timeline[0].actor).toBe('alice');
    const full = (await b.get(`/api/v1/incidents/${id}?include=timeline,postmortem,actions`)).body;
    expect(full.timeline).toHaveLength(11);
    expect(full.postmortem).toContain(`# Incident Post-Mortem: ${id}`);
    // A security breach gets the spec's immediate steps as tasks for people, and nothing automatic.
    expect(full.actions.map((a: any) => [a.action_id, a.state, a.automatic])).toEqual([
      ['lock_down_systems', 'todo', false],
      ['preserve_evidence', 'todo', false],
      ['notify_security_team', 'todo', false],
      ['initiate_incident_response', 'todo', false],
    ]);
  });

  it('answers 404 for an unknown incident on every route', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/incidents/inc_99999'],
      ['PATCH', '/api/v1/incidents/inc_99999'],
      ['POST', '/api/v1/incidents/inc_99999/acknowledge'],
      ['POST', '/api/v1/incidents/inc_99999/assign'],
      ['POST', '/api/v1/incidents/inc_99999/resolve'],
      ['POST', '/api/v1/incidents/inc_99999/close'],
      ['GET', '/api/v1/incidents/inc_99999/timeline'],
      ['GET', '/api/v1/incidents/inc_99999/postmortem'],
      ['GET', '/api/v1/incidents/inc_99999/actions'],
      ['POST', '/api/v1/incidents/inc_99999/actions/restart_service'],
    ]) {
      const body = path.endsWith('assign') ? { assignee: 'x' } : method === 'GET' ? undefined : {};
      const res = await b.req(method, path, body);
      expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 404, 'not_found']);
    }
  });

  it('filters the list by status, severity, type, component and since', async () => {
    const id = await openIncident('billing');
    expect((await b.get('/api/v1/incidents?status=active&type=service_down&component=billing')).body.map((i: any) => i.incident_id)).toEqual([id]);
    expect((await b.get('/api/v1/incidents?severity=low&component=billing')).body).toEqual([]);
    expect((await b.get('/api/v1/incidents?since=1h&component=billing')).body).toHaveLength(1);
    // Components with LIKE wildcards in their names match exactly, not as patterns.
    const gw = await openIncident('api_gateway');
    expect((await b.get('/api/v1/incidents?component=api_gateway')).body.map((i: any) => i.incident_id)).toEqual([gw]);
    expect((await b.get('/api/v1/incidents?component=api%25gateway')).body).toEqual([]);
    const bad = await b.get('/api/v1/incidents?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('query.status');
  });

  it('serves the post-mortem as markdown and as JSON', async () => {
    const id = await openIncident('search');
    const md = await b.get(`/api/v1/incidents/${id}/postmortem`);
    expect(md.headers.get('content-type')).toMatch(/text\/markdown/);
    expect(md.body).toContain('## Root Cause');
    expect(md.body).toContain('**Primary error type**: probe_failed');
    const json = (await b.get(`/api/v1/incidents/${id}/postmortem?format=json`)).body;
    expect(json).toMatchObject({ incident_id: id, status: 'draft', metrics: { mttr: null } });
  });

  it('rejects unknown fields and bad values with 400', async () => {
    const id = await openIncident('mail');
    const res = await b.req('PATCH', `/api/v1/incidents/${id}`, { status: 'sleeping', colour: 'red' });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.map((d: any) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.status']));
  });
});

describe('rules', () => {
  it('lists the eight built-ins with the spec numbers', async () => {
    const rules = (await b.get('/api/v1/rules')).body.filter((r: any) => r.builtin);
    expect(rules.map((r: any) => r.rule_id).sort()).toEqual(
      ['disk_space_low', 'error_burst', 'external_alert', 'memory_exhaustion', 'performance_degradation', 'quality_drop', 'service_down', 'workflow_failure_spike'].sort()
    );
    expect((await b.get('/api/v1/rules/service_down')).body).toMatchObject({ error_threshold: 5, time_window_seconds: 60, check_interval_seconds: 30, severity: 'critical' });
  });

  it('creates, changes, disables, tests and deletes a custom rule', async () => {
    const rule = { rule_id: 'custom_api_latency', name: 'Custom API Latency', incident_type: 'performance_degradation', severity: 'high', error_threshold: 3, time_window_seconds: 180, check_interval_seconds: 30, require_consecutive: true, min_components_affected: 1, match: { event_types: ['slow_request'], sources: ['api*'] } };
    expect((await b.post('/api/v1/rules', rule)).status).toBe(201);
    expect((await b.post('/api/v1/rules', rule)).status).toBe(409);
    expect((await b.req('PATCH', '/api/v1/rules/custom_api_latency', { error_threshold: 2 })).body.error_threshold).toBe(2);
    expect((await b.post('/api/v1/rules/custom_api_latency/disable')).body.enabled).toBe(false);
    expect((await b.get('/api/v1/rules?enabled=false')).body.map((r: any) => r.rule_id)).toContain('custom_api_latency');
    expect((await b.post('/api/v1/rules/custom_api_latency/enable')).body.enabled).toBe(true);

    const events = [ev('slow_request', 'api-1', -50), ev('slow_request', 'api-1', -40), ev('slow_request', 'web', -30)];
    const before = (await b.get('/api/v1/events?limit=10000')).body.length;
    const test = await b.post('/api/v1/rules/custom_api_latency/test', { events, dry_run: true });
    expect(test.body).toMatchObject({ rule_id: 'custom_api_latency', events_evaluated: 3, events_matched: 2, incidents: [{ event_count: 2, triggering_event_id: events[1].event_id }] });
    expect((await b.get('/api/v1/events?limit=10000')).body.length).toBe(before);

    expect((await b.req('DELETE', '/api/v1/rules/custom_api_latency')).status).toBe(204);
    expect((await b.get('/api/v1/rules/custom_api_latency')).status).toBe(404);
    const builtin = await b.req('DELETE', '/api/v1/rules/error_burst');
    expect(builtin.status).toBe(409);
    expect(builtin.body.error.message).toMatch(/disable it/);
  });

  it('refuses an invalid rule, naming the field', async () => {
    const res = await b.post('/api/v1/rules', { rule_id: 'x', name: 'x', incident_type: 'nope', severity: 'high', error_threshold: 0, time_window_seconds: 60, match: { event_types: [] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.error_threshold', 'body.incident_type', 'body.match.event_types']);
    const cel = await b.post('/api/v1/rules', { rule_id: 'y', name: 'y', incident_type: 'custom', severity: 'low', error_threshold: 1, time_window_seconds: 60, match: { event_types: ['a'] }, escalations: [{ to: 'high', when: 'event.metadata.x >' }] });
    expect(cel.status).toBe(400);
    expect(cel.body.error.details[0].field).toBe('escalations[0].when');
  });

  it("takes metadata regexes in Alertmanager's RE2 syntax, and a nesting one cannot stall detection", async () => {
    const lookbehind = await b.post('/api/v1/rules', { rule_id: 'lb', name: 'lb', incident_type: 'custom', severity: 'low', error_threshold: 1, time_window_seconds: 60, match: { event_types: ['a'], metadata: [{ key: 'k', op: '=~', value: '(?<=x)y' }] } });
    expect(lookbehind.status).toBe(400);
    expect(lookbehind.body.error.details[0]).toMatchObject({ field: 'body.match.metadata[0].value', message: expect.stringMatching(/RE2 syntax/) });
    // Exponential for a backtracking engine on this value; linear for RE2.
    const nested = { key: 'path', op: '=~', value: '(a+)+b' };
    expect((await b.post('/api/v1/rules', { rule_id: 'nested', name: 'Nested', incident_type: 'custom', severity: 'low', error_threshold: 2, time_window_seconds: 300, match: { event_types: ['redos'], metadata: [nested] }, group_by: ['source'] })).status).toBe(201);
    const long = 'a'.repeat(10_000);
    const sent = await b.post('/api/v1/events', [
      ev('redos', 'regex-src', -3, { metadata: { path: `${long}c` } }),
      ev('redos', 'regex-src', -2, { metadata: { path: `${long}b` } }),
      ev('redos', 'regex-src', -1, { metadata: { path: 'aab' } }),
    ]);
    expect(sent.status).toBe(202);
    const [inc] = (await b.get('/api/v1/incidents?component=regex-src')).body;
    expect(inc).toMatchObject({ rule_id: 'nested', event_count: 2 });
  });
});

describe('stats, stream, metrics, health and the API document', () => {
  it('streams a new incident as a server-sent event', async () => {
    const controller = new AbortController();
    const res = await fetch(`${b.url}/api/v1/stream`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    await openIncident('stream-src');
    let text = '';
    while (!text.includes('incident_created')) {
      const { value } = await reader.read();
      text += Buffer.from(value!).toString();
    }
    controller.abort();
    const data = JSON.parse(text.split('event: incident_created\ndata: ')[1].split('\n')[0]);
    expect(data.affected_components).toEqual(['stream-src']);
  });

  it('counts incidents in stats and metrics', async () => {
    const stats = (await b.get('/api/v1/stats')).body;
    expect(stats.total_incidents).toBeGreaterThan(0);
    expect(Object.keys(stats.by_severity)).toEqual(['critical', 'high', 'medium', 'low']);
    const metrics = (await b.get('/metrics')).body as string;
    expect(metrics).toMatch(/mahavishnu_incidents_created_total\{incident_type="service_down",severity="high"\} \d+/);
    expect(metrics).toMatch(/mahavishnu_events_ingested_total\{intake="api"\} \d+/);
    expect(metrics).toContain('mahavishnu_event_to_incident_seconds_bucket');
    expect(metrics).toMatch(/mahavishnu_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/events",status="2xx"\}/);
  });

  it('is healthy and ready, and publishes OpenAPI 3 with every route', async () => {
    expect((await b.get('/healthz')).status).toBe(200);
    expect((await b.get('/readyz')).body.status).toBe('ready');
    const doc = (await b.get('/api/v1/openapi.json')).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/events', '/api/v1/incidents/{id}/acknowledge', '/api/v1/rules/{id}/test', '/api/v1/stream', '/api/v1/webhooks/alertmanager']));
    expect(doc.paths['/api/v1/events'].post.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/incidents/{id}/actions/{action_id}', '/api/v1/incidents/{id}/notifications', '/api/v1/incidents/{id}/postmortem'])
    );
    expect(Object.keys(doc.paths['/api/v1/incidents/{id}/postmortem'])).toEqual(['get', 'patch']);
    // The answers are described by the same schemas that shape them.
    expect(JSON.stringify(doc.paths['/api/v1/incidents/{id}/actions'].get)).toContain('awaiting_approval');
    expect(JSON.stringify(doc.paths['/api/v1/incidents/{id}/notifications'].get)).toContain('next_attempt_at');
    expect((await b.get('/api/v1/nope')).status).toBe(404);
  });
});
