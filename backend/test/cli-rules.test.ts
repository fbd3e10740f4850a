import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../src/util/clock';
import { ev, startBackend, T0, type Backend } from './harness';
import { readCsv, readTable, runCli } from './cli';

// Every check spawns the CLI (about half a second each).
jest.setTimeout(60_000);

/** A URL nothing listens on. */
const NOWHERE = 'http://127.0.0.1:9';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mahavishnu-cli-rules-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** 12 api_error events from `api`, evenly over the 300 s before T0. */
function burst(): Array<ReturnType<typeof ev>> {
  return Array.from({ length: 12 }, (_, i) => ev('api_error', 'api', -300 + (i * 300) / 11));
}

function writeEvents(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('mahavishnu incidents rules', () => {
  let b: Backend;
  beforeAll(async () => {
    b = await startBackend();
  });
  afterAll(async () => {
    await b.close();
  });

  it('lists the rules as a table, --enabled only the enabled ones, and as CSV', async () => {
    const table = await runCli(['rules', 'list'], { url: b.url });
    expect(table.code).toBe(0);
    const { head, rows } = readTable(table.stdout);
    expect(head).toEqual(['Rule ID', 'Name', 'Severity', 'Enabled', 'Threshold', 'Window']);
    expect(rows.map((r) => r[0])).toEqual((await b.get('/api/v1/rules')).body.map((r: { rule_id: string }) => r.rule_id));
    expect(rows.find((r) => r[0] === 'error_burst')).toEqual(['error_burst', 'Error Burst Detection', 'HIGH', '✓', '10', '300s']);
    expect(rows.find((r) => r[0] === 'service_down')).toEqual(['service_down', 'Service Down Detection', 'CRITICAL', '✓', '5', '60s']);

    expect((await b.post('/api/v1/rules/quality_drop/disable')).status).toBe(200);
    const all = readTable((await runCli(['rules', 'list'], { url: b.url })).stdout).rows;
    expect(all.find((r) => r[0] === 'quality_drop')?.[3]).toBe('');
    const enabled = readTable((await runCli(['rules', 'list', '--enabled'], { url: b.url })).stdout).rows;
    expect(enabled.map((r) => r[0])).not.toContain('quality_drop');
    expect(enabled).toHaveLength(all.length - 1);
    expect((await b.post('/api/v1/rules/quality_drop/enable')).status).toBe(200);

    const csv = readCsv((await runCli(['rules', 'list', '--format', 'csv'], { url: b.url })).stdout.trim());
    expect(csv[0]).toEqual(['Rule ID', 'Name', 'Severity', 'Enabled', 'Threshold', 'Window']);
    expect(csv.find((r) => r[0] === 'memory_exhaustion')).toEqual(['memory_exhaustion', 'Memory Exhaustion Detection', 'critical', 'true', '3', '120']);
  });

  it('shows one rule as JSON; an unknown one exits 1', async () => {
    const shown = await runCli(['rules', 'show', 'error_burst'], { url: b.url });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual((await b.get('/api/v1/rules/error_burst')).body);
    const missing = await runCli(['rules', 'show', 'nope'], { url: b.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/rule nope not found \(HTTP 404 not_found\)/);
  });

  it('disables two rules at once and enables them again; an unknown id fails alone', async () => {
    const off = await runCli(['rules', 'disable', 'error_burst', 'service_down'], { url: b.url });
    expect(off).toMatchObject({ code: 0, stdout: 'error_burst: disabled\nservice_down: disabled\n' });
    expect((await b.get('/api/v1/rules/error_burst')).body.enabled).toBe(false);
    expect((await b.get('/api/v1/rules/service_down')).body.enabled).toBe(false);

    const on = await runCli(['rules', 'enable', 'error_burst', 'nope', 'service_down'], { url: b.url });
    expect(on.code).toBe(1);
    expect(on.stdout).toBe('error_burst: enabled\nservice_down: enabled\n');
    expect(on.stderr).toMatch(/nope: rule nope not found/);
    expect((await b.get('/api/v1/rules/error_burst')).body.enabled).toBe(true);
    expect((await b.get('/api/v1/rules/service_down')).body.enabled).toBe(true);
  });

  it('updates threshold and window, and refuses an update with nothing to change', async () => {
    const updated = await runCli(['rules', 'update', 'workflow_failure_spike', '--threshold', '15', '--time-window', '600'], { url: b.url });
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ rule_id: 'workflow_failure_spike', error_threshold: 15, time_window_seconds: 600 });
    expect((await b.get('/api/v1/rules/workflow_failure_spike')).body).toMatchObject({ error_threshold: 15, time_window_seconds: 600, check_interval_seconds: 60 });

    const more = await runCli(['rules', 'update', 'workflow_failure_spike', '--check-interval', '120', '--severity', 'critical'], { url: b.url });
    expect(JSON.parse(more.stdout)).toMatchObject({ error_threshold: 15, check_interval_seconds: 120, severity: 'critical' });

    const nothing = await runCli(['rules', 'update', 'workflow_failure_spike'], { url: b.url });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to update/);
    expect((await runCli(['rules', 'update', 'workflow_failure_spike', '--threshold', '0'], { url: b.url })).code).toBe(2);
  });

  it('creates a custom rule that the API then lists', async () => {
    const args = ['rules', 'create', '--id', 'custom_rule', '--name', 'Custom Rule', '--description', 'Custom detection rule', '--type', 'performance_degradation'];
    const created = await runCli([...args, '--severity', 'high', '--threshold', '10', '--time-window', '300', '--check-interval', '60'], { url: b.url });
    expect(created.code).toBe(0);
    const rule = JSON.parse(created.stdout);
    expect(rule).toMatchObject({
      rule_id: 'custom_rule',
      name: 'Custom Rule',
      incident_type: 'performance_degradation',
      severity: 'high',
      error_threshold: 10,
      builtin: false,
      // no --event-types: those of the built-in rule of the type
      match: { event_types: ['slow_request', 'high_latency'] },
    });
    const listed = (await b.get('/api/v1/rules')).body.find((r: { rule_id: string }) => r.rule_id === 'custom_rule');
    expect(listed).toMatchObject({ name: 'Custom Rule', description: 'Custom detection rule', time_window_seconds: 300, check_interval_seconds: 60, enabled: true });

    const grouped = await runCli(
      ['rules', 'create', '--id', 'db_errors', '--name', 'DB errors', '--threshold', '3', '--time-window', '60', '--event-types', 'db_error,db_timeout', '--sources', 'db-*', '--group-by', 'source'],
      { url: b.url }
    );
    expect(grouped.code).toBe(0);
    expect((await b.get('/api/v1/rules/db_errors')).body).toMatchObject({
      incident_type: 'custom',
      severity: 'medium',
      match: { event_types: ['db_error', 'db_timeout'], sources: ['db-*'] },
      group_by: ['source'],
    });
  });

  it('exits 1 naming the field the server rejects, 2 when a required option is missing', async () => {
    const bad = await runCli(['rules', 'create', '--id', 'bad_group', '--name', 'X', '--threshold', '3', '--time-window', '60', '--event-types', 'x', '--group-by', 'host'], { url: b.url });
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toMatch(/group_by\[0\]: a group_by field is source, .*\(HTTP 400 invalid_request\)/);
    const badId = await runCli(['rules', 'create', '--id', 'bad id', '--name', 'X', '--threshold', '3', '--time-window', '60', '--event-types', 'x'], { url: b.url });
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/rule_id: rule_id may hold/);
    expect((await b.get('/api/v1/rules/bad_group')).status).toBe(404);

    const missing = await runCli(['rules', 'create', '--id', 'x', '--threshold', '3'], { url: b.url });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs --name, --time-window/);
    const noTypes = await runCli(['rules', 'create', '--id', 'x', '--name', 'X', '--threshold', '3', '--time-window', '60', '--type', 'cache_failure'], { url: b.url });
    expect(noTypes.code).toBe(2);
    expect(noTypes.stderr).toMatch(/needs --event-types/);
  });
});

describe('mahavishnu incidents test-rule', () => {
  it('predicts from a file of events with no backend running, using the built-in rule', async () => {
    const events = burst();
    const file = writeEvents('burst.json', JSON.stringify(events));
    const run = await runCli(['test-rule', 'error_burst', '--events', file], { url: NOWHERE });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/No backend at http:\/\/127\.0\.0\.1:9: testing the built-in definition of error_burst/);
    const { head, rows } = readTable(run.stdout);
    expect(head).toEqual(['Group', 'Detected', 'Started', 'Events', 'Severity', 'Components']);
    // Detected at the 10th event (the threshold), holding the two that followed too.
    expect(rows).toEqual([['(all)', events[9].timestamp, events[0].timestamp, '12', 'CRITICAL', 'api']]);

    const lines = writeEvents('burst.jsonl', events.map((e) => JSON.stringify(e)).join('\n'));
    const json = await runCli(['test-rule', 'error_burst', '--events', lines, '--dry-run', '--format', 'json'], { url: NOWHERE });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      rule_id: 'error_burst',
      events_evaluated: 12,
      events_matched: 12,
      incidents: [
        {
          group_key: '',
          detected_at: events[9].timestamp,
          started_at: events[0].timestamp,
          event_count: 12,
          triggering_event_id: events[9].event_id,
          severity: 'critical',
          affected_components: ['api'],
        },
      ],
    });

    const few = writeEvents('few.json', JSON.stringify(events.slice(0, 9)));
    const none = await runCli(['test-rule', 'error_burst', '--events', few], { url: NOWHERE });
    expect(none.code).toBe(0);
    expect(readTable(none.stdout).rows).toEqual([]);
    expect(none.stderr).toMatch(/9 events evaluated, 9 matched: no incident would open/);
  });

  it('exits 1 for an unknown rule or invalid events, 2 for an unreadable file', async () => {
    const file = writeEvents('ok.json', JSON.stringify(burst()));
    const unknown = await runCli(['test-rule', 'my_rule', '--events', file], { url: NOWHERE });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no backend at http:\/\/127\.0\.0\.1:9 to read rule my_rule from, and my_rule is not a built-in rule/);
    const invalid = await runCli(['test-rule', 'error_burst', '--events', writeEvents('bad.json', '[{"event_type": "api_error", "source": "api"}]')], { url: NOWHERE });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/invalid event: events\[0\]\.message/);
    expect((await runCli(['test-rule', 'error_burst', '--events', join(dir, 'missing.json')], { url: NOWHERE })).code).toBe(2);
    expect((await runCli(['test-rule', 'error_burst', '--events', writeEvents('garbage.txt', 'not json\n')], { url: NOWHERE })).code).toBe(2);
  });

  it('test-rule --events gives the same incidents as the server does for the same events', async () => {
    const b = await startBackend();
    try {
      // A burst from two components, healthy traffic while its incident resolves, then a second burst.
      const events = [
        ...Array.from({ length: 12 }, (_, i) => ev('api_error', i % 3 ? 'api' : 'worker', -2000 + i * 20)),
        ...[-1500, -1000, -500].map((at) => ev('health_ok', 'api', at)),
        ...Array.from({ length: 10 }, (_, i) => ev('db_error', 'db', -200 + i * 15)),
      ].sort((x, y) => Date.parse(x.timestamp) - Date.parse(y.timestamp));
      const file = writeEvents('compare.json', JSON.stringify(events));
      const predicted = JSON.parse((await runCli(['test-rule', 'error_burst', '--events', file, '--format', 'json'], { url: NOWHERE })).stdout);
      expect(predicted.incidents).toHaveLength(2);

      // The server counts each event as it arrives: post them live, the clock at each event's time.
      for (const e of events) {
        b.clock.set(e.timestamp);
        await b.advance(0);
        expect((await b.post('/api/v1/events', [e])).status).toBe(202);
        await b.settle();
      }
      const incidents = (await b.get('/api/v1/incidents?type=error_burst')).body.reverse();
      const seen = incidents.map((i: any) => ({ started_at: i.started_at, detected_at: i.detected_at, event_count: i.event_count, affected_components: [...i.affected_components].sort() }));
      const expected = predicted.incidents.map((i: any) => ({ started_at: i.started_at, detected_at: i.detected_at, event_count: i.event_count, affected_components: [...i.affected_components].sort() }));
      expect(seen).toEqual(expected);

      // Without --events: the same backtest on the backend's stored events, with the backend's rule.
      const recent = await runCli(['test-rule', 'error_burst', '--format', 'json'], { url: b.url });
      expect(recent.code).toBe(0);
      expect(recent.stderr).toMatch(/as the backend at .* defines it, on its 25 most recent events/);
      expect(JSON.parse(recent.stdout).incidents).toEqual(predicted.incidents);
    } finally {
      await b.close();
    }
  });
});

describe('mahavishnu incidents simulate', () => {
  let b: Backend;
  beforeAll(async () => {
    // The CLI stamps events with its own clock, so the backend's must be near it (a minute ahead here,
    // so that none of the events is in the backend's future and all keep their spread).
    b = await startBackend({}, undefined, new ManualClock(Date.now() + 60_000));
  });
  afterAll(async () => {
    await b.close();
  });

  it('opens a service_down incident from events spread over the components', async () => {
    const run = await runCli(['simulate', '--type', 'service_down', '--components', 'api,worker', '--event-count', '5', '--time-span', '30'], { url: b.url });
    expect(run.code).toBe(0);
    const m = /^Simulated service_down: 5 events from api, worker -> incident (inc_\d+) \(critical, (\w+)\)\n$/.exec(run.stdout);
    expect(m).not.toBeNull();
    const incident = (await b.get(`/api/v1/incidents/${m![1]}`)).body;
    expect(incident).toMatchObject({ incident_type: 'service_down', severity: 'critical', status: m![2], event_count: 5 });
    expect([...incident.affected_components].sort()).toEqual(['api', 'worker']);
    const events: Array<{ event_type: string; timestamp: string }> = (await b.get('/api/v1/events?limit=100')).body;
    expect(events).toHaveLength(5);
    expect(new Set(events.map((e) => e.event_type))).toEqual(new Set(['service_unavailable', 'service_down', 'health_check_failed']));
    const times = events.map((e) => Date.parse(e.timestamp));
    expect(Math.max(...times) - Math.min(...times)).toBe(30_000);
  });

  it('prints the incident as JSON; the default is an error_burst of the rule\'s threshold', async () => {
    const run = await runCli(['simulate', '--format', 'json'], { url: b.url });
    expect(run.code).toBe(0);
    const incident = JSON.parse(run.stdout);
    expect(incident).toMatchObject({ incident_type: 'error_burst', rule_id: 'error_burst', event_count: 10, affected_components: ['simulated'] });
    expect((await b.get(`/api/v1/incidents/${incident.incident_id}`)).body.incident_id).toBe(incident.incident_id);
  });

  it('creates the incident by hand for a type no rule detects, and exits 1 when no incident opens', async () => {
    const byHand = await runCli(['simulate', '--type', 'cache_failure', '--severity', 'high', '--components', 'redis'], { url: b.url });
    expect(byHand.code).toBe(0);
    expect(byHand.stderr).toMatch(/No detection rule opens cache_failure incidents from events/);
    expect(byHand.stdout).toMatch(/^Simulated cache_failure: created incident inc_\d+ by hand for redis \(high, \w+\)/);

    const tooFew = await runCli(['simulate', '--type', 'memory_exhaustion', '--event-count', '2'], { url: b.url });
    expect(tooFew).toMatchObject({ code: 1, stdout: '' });
    expect(tooFew.stderr).toMatch(/no memory_exhaustion incident opened within 2s: 2 events is below the threshold of 3/);
  });
});
