import { ev, startBackend, type Backend } from './harness';
import { readCsv, readTable, runCli, startCli } from './cli';
import { testStoreEnv } from './test-store';

// Real servers and processes: generous under a loaded CI machine, though each test takes about a second.
jest.setTimeout(30_000);

let b: Backend;
beforeAll(async () => {
  b = await startBackend();
});
afterAll(async () => {
  await b.close();
});

async function openIncident(source: string): Promise<string> {
  const events = Array.from({ length: 5 }, (_, i) => ev('service_unavailable', source, -10 + i));
  expect((await b.post('/api/v1/events', events)).status).toBe(202);
  return (await b.get(`/api/v1/incidents?component=${source}`)).body[0].incident_id;
}

describe('mahavishnu incidents list and get', () => {
  it('prints a box table, JSON and CSV that agree with the server', async () => {
    const id = await openIncident('checkout');
    const table = await runCli(['list'], { url: b.url });
    expect(table.code).toBe(0);
    const { head, rows } = readTable(table.stdout);
    expect(head).toEqual(['Incident ID', 'Title', 'Severity', 'Status', 'Detected']);
    expect(rows[0].slice(0, 4)).toEqual([id, expect.stringMatching(/^Service Down - /), 'CRITICAL', 'investigating']);
    expect(rows[0][4]).toMatch(/^\d+[smhd] ago$/);

    const json = JSON.parse((await runCli(['list', '--format', 'json', '--severity', 'critical'], { url: b.url })).stdout);
    expect(json[0]).toMatchObject({ incident_id: id, severity: 'critical', status: 'investigating' });
    const csv = readCsv((await runCli(['list', '--format', 'csv'], { url: b.url })).stdout.trim());
    expect(csv[0]).toEqual(['Incident ID', 'Title', 'Severity', 'Status', 'Detected']);
    expect(csv[1][0]).toBe(id);

    const full = JSON.parse((await runCli(['get', id, '--full'], { url: b.url })).stdout);
    expect(full).toMatchObject({ incident_id: id, timeline: expect.any(Array), postmortem: expect.stringContaining(`# Incident Post-Mortem: ${id}`), actions: expect.any(Array) });
  });

  it('exits 1 with the server\'s reason, 2 on a usage mistake, 3 when the backend is not there', async () => {
    const missing = await runCli(['get', 'inc_99999'], { url: b.url });
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/incident inc_99999 not found \(HTTP 404 not_found\)/);
    expect((await runCli(['list', '--severity', 'huge'], { url: b.url })).code).toBe(2);
    const down = await runCli(['list'], { url: 'http://127.0.0.1:9' });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/backend not reachable at http:\/\/127\.0\.0\.1:9 .*mahavishnu incidents start/);
  });
});

/** A new incident, created by hand (events would join an active incident of the same rule). */
async function createIncident(component: string): Promise<string> {
  const res = await b.post('/api/v1/incidents', { incident_type: 'service_down', severity: 'critical', title: `Service Down - ${component}`, components: [component] });
  return res.body.incident_id;
}

describe('mahavishnu incidents watch', () => {
  it('prints an incident created while it runs, and stops cleanly on Ctrl-C', async () => {
    const watch = startCli(['watch'], { url: b.url });
    await watch.waitFor('stderr', /watching http:\/\/127\.0\.0\.1:\d+/);
    const id = await createIncident('payments');
    const out = await watch.waitFor('stdout', new RegExp(`incident_created ${id} CRITICAL`));
    expect(out).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[^ ]+ incident_created ${id} CRITICAL \\w+ Service Down - `, 'm'));
    expect((await watch.stop()).code).toBe(0);
  });

  it('watches one incident and skips others', async () => {
    const id = await createIncident('search');
    const watch = startCli(['watch', id], { url: b.url });
    await watch.waitFor('stderr', new RegExp(`for ${id}`));
    await createIncident('mail');
    await b.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'bob' });
    await watch.waitFor('stdout', new RegExp(`incident_updated ${id}`));
    const run = await watch.stop();
    expect(run.stdout.trim().split('\n').every((l) => l.includes(id))).toBe(true);
  });
});

describe('mahavishnu incidents dashboard, start and status', () => {

  it('serves the backend on the port asked for, says it is ready, and stops on Ctrl-C', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-cli-'));
    try {
      const server = startCli(['dashboard', '--port', '0', '--data-dir', dir], { env: testStoreEnv(dir) });
      const printed = await server.waitFor('stdout', /Incident dashboard: (http:\/\/127\.0\.0\.1:\d+)\//);
      const url = /Incident dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(printed)![1];
      const status = await runCli(['status'], { url });
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(new RegExp(`^${url.replace(/[.:/]/g, '\\$&')}: ready \\{"status":"ready"`));
      expect(status.stdout).toMatch(/^replica (\S+), leader, on (sqlite|postgres); engine leader: \1 \(term \d+\)$/m);
      expect((await server.stop()).code).toBe(0);
      expect((await runCli(['status'], { url })).code).toBe(3);
      expect((await runCli(['start', '--port', '70000'])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
