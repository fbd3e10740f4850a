import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { HttpReceiver } from '../src/notification/channels/testing/http-receiver';
import { spawnBackend, until, type BackendProcess } from './process';

/** Real backend processes killed with SIGKILL at the worst moments of the response path. */
jest.setTimeout(30_000);
let dir: string;
let proc: BackendProcess | undefined;
let hook: HttpReceiver;
let marker: string;

function writeConfig(extra: Record<string, unknown> = {}): Record<string, string> {
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    stringify({
      // A restarted backend is a new replica: what the killed one had claimed waits for its claim to run out.
      notification: {
        channels: { oncall: { type: 'webhook', url: hook.url('/hook'), timeout_seconds: 5 } },
        relay_interval_ms: 50,
        claim_seconds: 6,
      },
      // The receiver listens on loopback, which the operator names.
      security: { outbound: { allowlist: ['127.0.0.1'] } },
      remediation: {
        actions: {
          restart_service: { executor: { kind: 'command', argv: [process.execPath, join(__dirname, 'fixtures/slow-restart.js'), marker], timeout_seconds: 120 } },
          rollback_deployment: { executor: { kind: 'command', argv: [process.execPath, '-e', 'process.exit(0)'] } },
        },
      },
      ...extra,
    })
  );
  return { MAHAVISHNU_CONFIG: file };
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(proc!.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function openIncident(): Promise<string> {
  const res = await call('POST', '/api/v1/incidents', { incident_type: 'custom', severity: 'high', title: 'Checkout down', components: ['shop'] });
  expect(res.status).toBe(201);
  return res.body.incident_id;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mahavishnu-crash-response-'));
  marker = join(dir, 'restarts.log');
  hook = await HttpReceiver.start();
});

afterEach(async () => {
  await proc?.kill('SIGKILL');
  proc = undefined;
  // A command the killed backend started is still sleeping in its own process group: stop it.
  if (existsSync(marker)) {
    for (const pid of readFileSync(marker, 'utf8').trim().split('\n').map(Number)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await hook.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 in the response path', () => {
  it('delivers after a restart a notification that was in flight, with the same delivery id and dedup key, counting both attempts; then never again', async () => {
    const env = writeConfig();
    hook.reply = 'hang';
    proc = await spawnBackend(dir, env);
    const id = await openIncident();
    await until('the first attempt', () => hook.requests.length === 1);
    await proc.kill('SIGKILL');

    hook.reply = { status: 200 };
    proc = await spawnBackend(dir, env);
    await until('the attempt after the restart', () => hook.requests.length === 2);
    const [before, after] = hook.requests.map((r) => ({ delivery: r.headers['x-mahavishnu-delivery'], body: JSON.parse(r.body) }));
    expect(after.delivery).toBe(before.delivery);
    expect(after.body).toMatchObject({ incident_id: id, event: 'incident_created' });
    const sent = await until('the delivery recorded as sent', async () => {
      const [d] = (await call('GET', `/api/v1/incidents/${id}/notifications`)).body;
      return d.status === 'sent' ? d : null;
    });
    // The receiver got two attempts, and the history says two: the first was counted before it went out.
    expect(sent).toMatchObject({ delivery_id: before.delivery, attempts: 2, last_status: 200, last_error: null });
    expect(Date.parse(sent.last_attempt_at)).toBeLessThanOrEqual(Date.parse(sent.sent_at));

    // Once recorded as sent, a restart sends nothing again.
    await proc.kill('SIGKILL');
    proc = await spawnBackend(dir, env);
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.requests).toHaveLength(2);
  });

  it('keeps a rule change, an acknowledgement and an approved run that were answered just before the kill', async () => {
    const env = writeConfig();
    proc = await spawnBackend(dir, env);
    const id = await openIncident();
    expect((await call('PATCH', '/api/v1/rules/error_burst', { error_threshold: 42 })).status).toBe(200);
    expect((await call('POST', `/api/v1/incidents/${id}/acknowledge`, { by: 'bob' })).status).toBe(200);
    const run = await call('POST', `/api/v1/incidents/${id}/actions/rollback_deployment`, { approved_by: 'john.doe' });
    expect(run.body).toMatchObject({ status: 'succeeded', approved_by: 'john.doe' });
    await proc.kill('SIGKILL');

    proc = await spawnBackend(dir, env);
    expect((await call('GET', '/api/v1/rules/error_burst')).body.error_threshold).toBe(42);
    expect((await call('GET', `/api/v1/incidents/${id}`)).body.acknowledged_by).toBe('bob');
    const actions = (await call('GET', `/api/v1/incidents/${id}/actions`)).body;
    expect(actions.find((a: any) => a.action_id === 'rollback_deployment').runs[0]).toMatchObject({ status: 'succeeded', approved_by: 'john.doe' });
  });

  it('marks a risky action that was running at the kill as unknown, and does not run it again', async () => {
    const env = writeConfig();
    proc = await spawnBackend(dir, env);
    const id = await openIncident();
    // The request waits for the run; the run notes its pid and sleeps.
    const pending = call('POST', `/api/v1/incidents/${id}/actions/restart_service`, { approved_by: 'john.doe' }).catch(() => null);
    await until('the restart to start', () => existsSync(marker) && readFileSync(marker, 'utf8').trim().length > 0);
    await proc.kill('SIGKILL');
    await pending;

    proc = await spawnBackend(dir, env);
    const action = await until('the run to be marked unknown', async () => {
      const a = (await call('GET', `/api/v1/incidents/${id}/actions`)).body.find((x: any) => x.action_id === 'restart_service');
      return a.state === 'unknown' ? a : null;
    });
    expect(action.runs).toHaveLength(1);
    expect(action.runs[0]).toMatchObject({ status: 'unknown', approved_by: 'john.doe' });
    const timeline = (await call('GET', `/api/v1/incidents/${id}/timeline`)).body;
    expect(timeline.some((t: any) => t.event_type === 'action_unknown')).toBe(true);
    // A person is told.
    await until('the action_failed notification', () => hook.requests.some((r) => r.headers['x-mahavishnu-event'] === 'action_failed'));
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(marker, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
