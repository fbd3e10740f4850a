import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoConfig } from '../src/demo/config';
import { startDemoService, type DemoService } from '../src/demo/demo-service';
import { runLoad } from '../src/demo/load-generator';
import { HttpReceiver } from '../src/notification/channels/testing/http-receiver';
import { spawnBackend, until, type BackendProcess } from './process';

/**
 * The demo scenario with real processes: the built backend, the demo shop service it remediates
 * (over HTTP for clear_cache, through the demo's control command for restart_service) and a load
 * generator. Timings are shortened (windows, quiet periods, verification) but nothing is faked.
 */
let dir: string;
let proc: BackendProcess;
let svc: DemoService;
let hook: HttpReceiver;
const stopLoad = new AbortController();
let load: Promise<unknown>;

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(proc.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
}

async function fault(mode: string): Promise<void> {
  const res = await fetch(`${svc.url}/admin/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode }) });
  expect(res.status).toBe(200);
}

async function incidentOf(type: string): Promise<any> {
  return (await api('GET', `/api/v1/incidents?type=${type}`))[0];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mahavishnu-demo-test-'));
  hook = await HttpReceiver.start();
  // The service starts first (the backend's config names its URL) and learns the backend's URL after.
  svc = await startDemoService({ port: 0, backendUrl: 'http://127.0.0.1:9', flushMs: 100, leakThresholdMb: 5 });
  const demoUrl = svc.url;
  const cfg = demoConfig({ demoUrl, dataDir: dir, verifySeconds: 2 }) as any;
  cfg.detection.rules = {
    error_burst: { time_window_seconds: 30, check_interval_seconds: 1, quiet_period_seconds: 3 },
    memory_exhaustion: { check_interval_seconds: 1, quiet_period_seconds: 3 },
  };
  cfg.notification.channels.oncall = { type: 'webhook', url: hook.url('/oncall') };
  cfg.notification.relay_interval_ms = 100;
  const file = join(dir, 'config.yaml');
  writeFileSync(file, stringify(cfg));
  proc = await spawnBackend(dir, { MAHAVISHNU_CONFIG: file });
  svc.reportTo(proc.url);
  load = runLoad({ url: svc.url, rps: 20, durationMs: 120_000, signal: stopLoad.signal });
}, 30_000);

afterAll(async () => {
  stopLoad.abort();
  await load?.catch(() => undefined);
  await svc?.close();
  await proc?.kill('SIGTERM');
  await hook.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo scenario', () => {
  it('error burst -> incident -> clear_cache against the service -> errors stop -> recovering -> auto-resolved -> post-mortem', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    await fault('error');
    const inc = await until('an error_burst incident', () => incidentOf('error_burst'));
    // The backend cleared the service's cache by itself, which ends the fault.
    await until('the cache to be cleared', () => svc.state().cache.clears >= 1);
    expect(svc.state().mode).toBe('none');
    const resolved = await until('the incident to resolve', async () => {
      const i = await api('GET', `/api/v1/incidents/${inc.incident_id}`);
      return i.status === 'resolved' ? i : null;
    });
    expect(resolved.resolved_by).toBe('auto');
    const timeline = await api('GET', `/api/v1/incidents/${inc.incident_id}/timeline`);
    const statuses = timeline.filter((t: any) => t.event_type === 'status_changed').map((t: any) => t.data.to);
    expect(statuses).toEqual(['assessing', 'containing', 'investigating', 'recovering', 'resolved']);
    const actions = await api('GET', `/api/v1/incidents/${inc.incident_id}/actions`);
    expect(actions[0]).toMatchObject({ action_id: 'clear_cache', state: 'succeeded' });
    expect(actions[0].runs[0]).toMatchObject({ trigger: 'auto', status: 'succeeded', verification: 'helped', detail: 'HTTP 200' });
    expect(svc.state().cache.last_clear?.idempotency_key).toBe(actions[0].runs[0].idempotency_key);
    const md: string = await api('GET', `/api/v1/incidents/${inc.incident_id}/postmortem`);
    expect(md).toMatch(/\| clear_cache \| Success \|/);
  }, 60_000);

  it('a risky action waits in remediating until approved, then runs, and the approver is recorded', async () => {
    await fault('leak');
    const inc = await until('a memory_exhaustion incident', () => incidentOf('memory_exhaustion'));
    await until('remediating', async () => (await api('GET', `/api/v1/incidents/${inc.incident_id}`)).status === 'remediating');
    await until('the approval request', () => hook.requests.some((r) => JSON.parse(r.body).event === 'approval_needed'));
    // It waits: nothing restarts the service without an approval.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api('GET', `/api/v1/incidents/${inc.incident_id}`)).status).toBe('remediating');
    const restart = (await api('GET', `/api/v1/incidents/${inc.incident_id}/actions`)).find((a: any) => a.action_id === 'restart_service');
    expect(restart).toMatchObject({ risk: 'medium', approval: 'responder', state: 'awaiting_approval', runs: [] });
    expect(svc.state().restarts).toBe(0);

    const refused = await api('POST', `/api/v1/incidents/${inc.incident_id}/actions/restart_service`, {});
    expect(refused.error.code).toBe('approval_required');
    const run = await api('POST', `/api/v1/incidents/${inc.incident_id}/actions/restart_service`, { approved_by: 'john.doe' });
    expect(run).toMatchObject({ status: 'succeeded', approved_by: 'john.doe', detail: 'exit 0' });
    expect(svc.state()).toMatchObject({ restarts: 1, mode: 'none', retained_mb: 0 });

    await until('the incident to resolve', async () => (await api('GET', `/api/v1/incidents/${inc.incident_id}`)).status === 'resolved');
    const pm = await api('GET', `/api/v1/incidents/${inc.incident_id}/postmortem?format=json`);
    expect(pm.actions.find((a: any) => a.action_id === 'restart_service')).toMatchObject({ status: 'succeeded', owner: 'john.doe' });
    expect(pm.markdown).toMatch(/approved by john\.doe/);
  }, 60_000);
});
