import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ev, startBackend, type Backend } from './harness';
import { readCsv, readTable, runCli, type CliRun } from './cli';

// Every command is a spawned CLI process against a real backend.
jest.setTimeout(60_000);

let b: Backend;
beforeAll(async () => {
  b = await startBackend({
    remediation: {
      actions: {
        restart_service: { executor: { kind: 'command', argv: [process.execPath, '-e', 'process.stdout.write("restarted " + process.argv[1])', '{{params.service}}'] } },
        // A low-risk action no incident type here recommends, bound to a command that fails.
        clear_logs: { executor: { kind: 'command', argv: [process.execPath, '-e', 'process.stderr.write("disk is read-only"); process.exit(3)'] } },
      },
    },
  });
});
afterAll(async () => {
  await b.close();
});

/** `mahavishnu incidents <args>` against the test backend, as `jane` unless `user` says otherwise. */
function cli(args: string[], user = 'jane'): Promise<CliRun> {
  return runCli(args, { url: b.url, env: { MAHAVISHNU_USER: user } });
}

async function create(title: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await b.post('/api/v1/incidents', { incident_type: 'custom', severity: 'medium', title, ...extra });
  expect(res.status).toBe(201);
  return res.body.incident_id;
}

/** Ten high api_error events from `source`, one a second, ending now: an error_burst incident. */
async function errorBurst(source: string): Promise<string> {
  expect((await b.post('/api/v1/events', Array.from({ length: 10 }, (_, i) => ev('api_error', source, -9 + i, { severity: 'high' })))).status).toBe(202);
  await b.settle();
  return (await b.get(`/api/v1/incidents?component=${source}&type=error_burst`)).body[0].incident_id;
}

/** Five critical service_unavailable events from `source` within a minute: a service_down incident. */
async function serviceDown(source: string): Promise<string> {
  const events = Array.from({ length: 5 }, (_, i) => ev('service_unavailable', source, -10 + i, { severity: 'critical', message: `${source} health check failed #${i + 1}` }));
  expect((await b.post('/api/v1/events', events)).status).toBe(202);
  await b.settle();
  return (await b.get(`/api/v1/incidents?component=${source}&type=service_down`)).body[0].incident_id;
}

describe('create, update, assign, acknowledge', () => {
  it('create: prints the new incident, with its components, and says so on stderr', async () => {
    const run = await cli(['create', '--type', 'service_down', '--severity', 'critical', '--title', 'API Service Down', '--description', 'API service not responding', '--components', 'api, worker,database']);
    expect(run.code).toBe(0);
    const inc = JSON.parse(run.stdout);
    expect(inc).toMatchObject({ incident_type: 'service_down', severity: 'critical', title: 'API Service Down', description: 'API service not responding', affected_components: ['api', 'worker', 'database'] });
    expect(run.stderr).toMatch(new RegExp(`^Created ${inc.incident_id} \\(CRITICAL service_down`));
    expect((await b.get(`/api/v1/incidents/${inc.incident_id}`)).body).toMatchObject({ title: 'API Service Down', affected_components: ['api', 'worker', 'database'] });
  });

  it('create: missing required options or a wrong type is a usage error (exit 2) and creates nothing', async () => {
    const before = (await b.get('/api/v1/incidents?limit=10000')).body.length;
    const missing = await cli(['create', '--type', 'error_burst', '--description', 'no title']);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/--severity, --title/);
    expect((await cli(['create', '--type', 'nonsense', '--severity', 'high', '--title', 'x'])).code).toBe(2);
    expect((await b.get('/api/v1/incidents?limit=10000')).body.length).toBe(before);
  });

  it('update: changes several fields at once; nothing to change is exit 2; a refused change is exit 1', async () => {
    const id = await create('to update');
    const run = await cli(['update', id, '--status', 'containing', '--severity', 'critical', '--assigned-to', 'john.doe', '--notes', 'Investigating database issues']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ incident_id: id, status: 'containing', severity: 'critical', assigned_to: 'john.doe' });
    const inc = (await b.get(`/api/v1/incidents/${id}`)).body;
    expect(inc).toMatchObject({ status: 'containing', severity: 'critical', assigned_to: 'john.doe' });
    expect(inc.notes).toEqual([expect.objectContaining({ author: 'jane', text: 'Investigating database issues' })]);

    expect(await cli(['update', id])).toMatchObject({ code: 2, stdout: '' });
    expect((await cli(['update', id, '--status', 'sleeping'])).code).toBe(2);
    const missing = await cli(['update', 'inc_99999', '--notes', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/HTTP 404/);
  });

  it('assign: to someone, --unassign, and neither or both is exit 2', async () => {
    const id = await create('to assign');
    const assigned = await cli(['assign', id, 'john.doe']);
    expect(assigned.code).toBe(0);
    expect(JSON.parse(assigned.stdout).assigned_to).toBe('john.doe');
    expect((await b.get(`/api/v1/incidents/${id}`)).body.assigned_to).toBe('john.doe');

    expect(await cli(['assign', id])).toMatchObject({ code: 2, stdout: '' });
    expect(await cli(['assign', id, 'mary', '--unassign'])).toMatchObject({ code: 2, stdout: '' });
    expect((await b.get(`/api/v1/incidents/${id}`)).body.assigned_to).toBe('john.doe');

    const unassigned = await cli(['assign', id, '--unassign']);
    expect(unassigned.code).toBe(0);
    expect(JSON.parse(unassigned.stdout).assigned_to).toBeNull();
    expect((await b.get(`/api/v1/incidents/${id}`)).body.assigned_to).toBeNull();
  });

  it('acknowledge: records who acknowledged it', async () => {
    const id = await create('to acknowledge');
    const run = await cli(['acknowledge', id], 'mary');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ incident_id: id, acknowledged_by: 'mary' });
    expect(run.stderr).toMatch(`Acknowledged ${id} (by mary)`);
    expect((await b.get(`/api/v1/incidents/${id}`)).body).toMatchObject({ acknowledged_by: 'mary', acknowledged_at: expect.any(String) });
  });
});

describe('mitigate', () => {
  it('--list-actions shows the recommended actions as a table, JSON and CSV', async () => {
    const id = await errorBurst('shop-api');
    const [run, jsonRun, csvRun] = await Promise.all([
      cli(['mitigate', id, '--list-actions']),
      cli(['mitigate', id, '--list-actions', '--format', 'json']),
      cli(['mitigate', id, '--list-actions', '--format', 'csv']),
    ]);
    expect(run.code).toBe(0);
    const { head, rows } = readTable(run.stdout);
    expect(head).toEqual(['Action', 'Risk', 'Approval', 'Executor', 'Automatic', 'State', 'Last run']);
    expect(rows).toEqual([
      ['clear_cache', 'LOW', 'none', 'manual', 'no', 'todo', '-'],
      ['restart_service', 'MEDIUM', 'responder', 'command', 'no', 'awaiting_approval', '-'],
      ['rollback_deployment', 'MEDIUM', 'responder', 'manual', 'no', 'todo', '-'],
      ['code_patch', 'HIGH', 'lead', 'manual', 'no', 'todo', '-'],
    ]);
    const json = JSON.parse(jsonRun.stdout);
    expect(json[1]).toEqual({ action: 'restart_service', risk: 'medium', approval: 'responder', executor: 'command', automatic: false, state: 'awaiting_approval', last_run: null });
    const csv = readCsv(csvRun.stdout.trim());
    expect(csv[0]).toEqual(['Action', 'Risk', 'Approval', 'Executor', 'Automatic', 'State', 'Last run']);
    expect(csv.slice(1).map((r) => r[0])).toEqual(['clear_cache', 'restart_service', 'rollback_deployment', 'code_patch']);
  });

  it('--action: refuses without approval (exit 1, naming who must approve), dry-runs, runs with --approved-by and --param', async () => {
    const id = await errorBurst('cart-api');
    const refused = await cli(['mitigate', id, '--action', 'restart_service', '--param', 'service=api']);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/restart_service is medium risk: it needs the approval of an on-call responder.*HTTP 409 approval_required/);
    expect(refused.stderr).toMatch(/--approved-by/);

    const dry = await cli(['mitigate', id, '--action', 'restart_service', '--dry-run', '--param', 'service=api']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/^restart_service: dry run, nothing was done; it would do \{"argv":/);
    expect(JSON.parse(dry.stdout)).toMatchObject({ status: 'dry_run', dry_run: true, output: null, plan: { argv: [process.execPath, '-e', expect.any(String), 'api'] } });
    let actions = (await b.get(`/api/v1/incidents/${id}/actions`)).body;
    expect(actions[1]).toMatchObject({ action_id: 'restart_service', state: 'awaiting_approval' });
    expect(actions[1].runs.every((r: any) => r.dry_run)).toBe(true);

    const ran = await cli(['mitigate', id, '--action', 'restart_service', '--approved-by', 'john.doe', '--param', 'service=api', '--param', 'region=eu', '--idempotency-key', 'cli-key-1']);
    expect(ran.code).toBe(0);
    const run = JSON.parse(ran.stdout);
    expect(run).toMatchObject({ action_id: 'restart_service', status: 'succeeded', approved_by: 'john.doe', params: { service: 'api', region: 'eu' }, output: 'restarted api', idempotency_key: 'cli-key-1' });
    expect(ran.stderr).toMatch(/restart_service succeeded in \d+ ms, approved by john\.doe/);
    actions = (await b.get(`/api/v1/incidents/${id}/actions`)).body;
    expect(actions[1].state).toBe('succeeded');
    expect(actions[1].runs.filter((r: any) => !r.dry_run)).toHaveLength(1);

    // The same idempotency key answers the earlier run instead of running it again.
    const again = await cli(['mitigate', id, '--action', 'restart_service', '--approved-by', 'john.doe', '--param', 'service=api', '--idempotency-key', 'cli-key-1']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).run_id).toBe(run.run_id);
    expect((await b.get(`/api/v1/incidents/${id}/actions`)).body[1].runs.filter((r: any) => !r.dry_run)).toHaveLength(1);

    // The table now shows the run.
    const row = readTable((await cli(['mitigate', id, '--list-actions'])).stdout).rows[1];
    expect(row.slice(0, 6)).toEqual(['restart_service', 'MEDIUM', 'responder', 'command', 'no', 'succeeded']);
    expect(row[6]).toMatch(/ago$|^in /);
  });

  it('exits 1 when the run fails, and 2 on usage mistakes', async () => {
    const id = await errorBurst('pay-api');
    const failed = await cli(['mitigate', id, '--action', 'clear_logs']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ action_id: 'clear_logs', status: 'failed', approved_by: null });
    expect(failed.stderr).toMatch(/^clear_logs failed in \d+ ms: exit 3/);
    expect((await b.get(`/api/v1/incidents/${id}/actions`)).body.find((a: any) => a.action_id === 'clear_logs')).toMatchObject({ state: 'failed' });

    const unknown = await cli(['mitigate', id, '--action', 'no_such_action']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/HTTP 404/);
    expect((await cli(['mitigate', id])).code).toBe(2);
    expect((await cli(['mitigate', id, '--list-actions', '--action', 'clear_cache'])).code).toBe(2);
    expect((await cli(['mitigate', id, '--action', 'restart_service', '--param', 'novalue'])).code).toBe(2);
  });
});

describe('resolve and close', () => {
  it('close refuses an unresolved incident (exit 1 with the reason); resolve with notes, then close', async () => {
    const id = await create('to resolve');
    const early = await cli(['close', id]);
    expect(early).toMatchObject({ code: 1, stdout: '' });
    expect(early.stderr).toMatch(/HTTP 409/);
    expect((await b.get(`/api/v1/incidents/${id}`)).body.status).not.toBe('closed');

    const resolved = await cli(['resolve', id, '--notes', 'Fixed by restarting database service']);
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ incident_id: id, status: 'resolved', resolved_by: 'jane' });
    let inc = (await b.get(`/api/v1/incidents/${id}`)).body;
    expect(inc.status).toBe('resolved');
    expect(inc.notes.map((n: any) => n.text)).toContain('Fixed by restarting database service');

    const closed = await cli(['close', id]);
    expect(closed.code).toBe(0);
    expect(JSON.parse(closed.stdout)).toMatchObject({ status: 'closed', closed_by: 'jane' });
    inc = (await b.get(`/api/v1/incidents/${id}`)).body;
    expect(inc).toMatchObject({ status: 'closed', closed_by: 'jane' });
  });
});

describe('timeline', () => {
  it('prints the spec\'s text timeline, filters by event type and source, limits, and prints JSON and CSV', async () => {
    const id = await serviceDown('checkout');
    expect((await cli(['acknowledge', id], 'mary')).code).toBe(0);
    const all = (await b.get(`/api/v1/incidents/${id}/timeline`)).body;

    const [run, byType, bySource, limited, json, csvRun] = await Promise.all([
      cli(['timeline', id]),
      cli(['timeline', id, '--event-type', 'acknowledged']),
      cli(['timeline', id, '--source', 'checkout']),
      cli(['timeline', id, '--limit', '2']),
      cli(['timeline', id, '--format', 'json', '--event-type', 'service_unavailable']),
      cli(['timeline', id, '--format', 'csv']),
    ]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Timeline for incident ${id}:`);
    expect(lines).toHaveLength(all.length + 1);
    // Events: time of day, severity, source and message; lifecycle entries: [----] and who acted.
    expect(lines.slice(1, 6)).toEqual([1, 2, 3, 4, 5].map((n) => `  09:59:${String(49 + n)}Z [CRITICAL] checkout: checkout health check failed #${n}`));
    expect(lines).toContain('  10:00:00Z [----]     mary: Acknowledged by mary');
    expect(lines.some((l) => /^ {2}10:00:00Z \[----\] {5}mahavishnu: Status detected -> assessing/.test(l))).toBe(true);

    expect(byType.stdout.trimEnd().split('\n')).toEqual([`Timeline for incident ${id}:`, '  10:00:00Z [----]     mary: Acknowledged by mary']);
    expect(bySource.stdout.trimEnd().split('\n')).toEqual(lines.slice(0, 6));
    expect(limited.stdout.trimEnd().split('\n')).toEqual(lines.slice(0, 3));

    const entries = JSON.parse(json.stdout);
    expect(entries).toHaveLength(5);
    expect(entries[0]).toMatchObject({ kind: 'event', event_type: 'service_unavailable', source: 'checkout', severity: 'critical', message: 'checkout health check failed #1' });
    const csv = readCsv(csvRun.stdout.trim());
    expect(csv[0]).toEqual(['Time', 'Kind', 'Event Type', 'Source', 'Severity', 'Actor', 'Message']);
    expect(csv).toHaveLength(all.length + 1);
    expect(csv.find((r) => r[2] === 'acknowledged')).toEqual([expect.any(String), 'lifecycle', 'acknowledged', 'mahavishnu', '', 'mary', 'Acknowledged by mary']);

    const [zero, missing] = await Promise.all([cli(['timeline', id, '--limit', '0']), cli(['timeline', 'inc_99999'])]);
    expect(zero.code).toBe(2);
    expect(missing.code).toBe(1);
  });
});

describe('postmortem', () => {
  it('prints the markdown, writes it to a file with --output, and prints JSON with --format json', async () => {
    const id = await create('to write up', { components: ['db'] });
    expect((await cli(['resolve', id, '--notes', 'restarted the database'])).code).toBe(0);

    const md = await cli(['postmortem', id]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`# Incident Post-Mortem: ${id}`);
    expect(md.stdout).toBe(`${(await b.get(`/api/v1/incidents/${id}/postmortem`)).body.replace(/\n$/, '')}\n`);

    const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-pm-'));
    try {
      const file = join(dir, 'postmortem.md');
      const written = await cli(['postmortem', id, '--output', file]);
      expect(written).toMatchObject({ code: 0, stdout: '' });
      expect(written.stderr).toContain(file);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('# Incident Post-Mortem');
      expect(text).toContain('restarted the database');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const json = JSON.parse((await cli(['postmortem', id, '--format', 'json'])).stdout);
    expect(json).toMatchObject({ incident_id: id, markdown: expect.stringContaining('# Incident Post-Mortem') });
    expect((await cli(['postmortem', 'inc_99999'])).code).toBe(1);
  });
});

describe('stats', () => {
  let s: Backend;
  const run = (args: string[]) => runCli(['stats', ...args], { url: s.url });
  beforeAll(async () => {
    s = await startBackend();
    for (const [type, severity] of [['error_burst', 'high'], ['error_burst', 'high'], ['service_down', 'critical'], ['quality_drop', 'medium']]) {
      expect((await s.post('/api/v1/incidents', { incident_type: type, severity, title: `${type} by hand` })).status).toBe(201);
    }
    const id = (await s.get('/api/v1/incidents?type=quality_drop')).body[0].incident_id;
    await s.advance(90);
    expect((await s.post(`/api/v1/incidents/${id}/resolve`, {})).status).toBe(200);
  });
  afterAll(async () => {
    await s.close();
  });

  const totals = [
    ['Total Incidents', '4'],
    ['Active Incidents', '3'],
    ['Resolved Incidents', '1'],
    ['Closed Incidents', '0'],
  ];
  const bySeverity = [
    ['By Severity:', ''],
    ['CRITICAL', '1'],
    ['HIGH', '2'],
    ['MEDIUM', '1'],
    ['LOW', '0'],
  ];
  const byType = [
    ['By Type:', ''],
    ['error_burst', '2'],
    ['quality_drop', '1'],
    ['service_down', '1'],
  ];
  const averages = [
    ['Avg MTTD', '0.0s'],
    ['Avg MTTR', '1.5m'],
  ];

  it('prints totals, both breakdowns and the averages in a box table', async () => {
    const all = await run([]);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toBe('Incident Statistics:');
    const { head, rows } = readTable(all.stdout);
    expect([head, ...rows]).toEqual([...totals, ...bySeverity, ...byType, ...averages]);
    // A rule between the sections, and the numbers right-aligned.
    expect(all.stdout.match(/^├/gm)).toHaveLength(3);
    expect(all.stdout).toMatch(/│ +4 │\n/);
  });

  it('--by-severity, --by-type and --since choose the sections and the heading', async () => {
    const [sev, type, day, minute, bad] = await Promise.all([run(['--by-severity']), run(['--by-type']), run(['--since', '24h', '--by-type']), run(['--since', '1m']), run(['--since', 'yesterday-ish'])]);
    const t1 = readTable(sev.stdout);
    expect([t1.head, ...t1.rows]).toEqual([...totals, ...bySeverity, ...averages]);
    const t2 = readTable(type.stdout);
    expect([t2.head, ...t2.rows]).toEqual([...totals, ...byType, ...averages]);

    expect(day.stdout.split('\n')[0]).toBe('Incident Statistics (Last 24 hours):');
    const t3 = readTable(day.stdout);
    expect([t3.head, ...t3.rows]).toEqual([...totals, ...byType, ...averages]);
    expect(minute.stdout.split('\n')[0]).toBe('Incident Statistics (Last minute):');
    expect(readTable(minute.stdout).head).toEqual(['Total Incidents', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 400/);
  });

  it('--format json prints the server\'s stats object; csv one metric a row', async () => {
    const json = JSON.parse((await run(['--format', 'json', '--since', '7d'])).stdout);
    expect(json).toEqual((await s.get('/api/v1/stats?since=7d')).body);
    expect(json).toMatchObject({ total_incidents: 4, active_incidents: 3, resolved_incidents: 1, by_severity: { critical: 1, high: 2, medium: 1, low: 0 }, avg_mttr: 90 });
    const csv = readCsv((await run(['--format', 'csv'])).stdout.trim());
    expect(csv[0]).toEqual(['Metric', 'Value']);
    expect(csv).toContainEqual(['total_incidents', '4']);
    expect(csv).toContainEqual(['type.error_burst', '2']);
    expect(csv).toContainEqual(['avg_mttr', '90']);
  });
});
