import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sha256 } from '../src/security/keys';
import { assertListenable } from '../src/security/setup';
import { runCli, readTable } from './cli';
import { startBackend, type Backend } from './harness';
import { spawnBackend } from './process';
import { TEST_STORE } from './test-store';

// Reliability items 10, 14, 15 and 16: keys and roles, approvals, the audit log, Grafana's webhook
// signature, the configuration read back, a flooding source.

jest.setTimeout(60_000);

const bearer = (key: string, user?: string) => ({ authorization: `Bearer ${key}`, ...(user ? { 'x-grafana-user': user } : {}) });

describe('API keys and roles', () => {
  let b: Backend;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    b = await startBackend();
    expect((await b.get('/api/v1/me')).body).toMatchObject({ keys_required: false, role: null });
    // With no key yet, the backend on loopback is open: the first admin key is created like this.
    const admin = await b.post('/api/v1/keys', { name: 'ops-admin', role: 'admin' });
    expect(admin.status).toBe(201);
    expect(admin.body.key).toMatch(/^mhv_[A-Za-z0-9_-]{32}$/);
    keys.admin = admin.body.key;
    for (const role of ['viewer', 'responder', 'lead', 'source']) {
      // The responder's key is the one Grafana's proxy sends: it may name the person.
      const r = await b.req('POST', '/api/v1/keys', { name: `the-${role}`, role, grafana_proxy: role === 'responder' }, bearer(keys.admin));
      expect(r.status).toBe(201);
      keys[role] = r.body.key;
    }
  });

  afterAll(() => b?.close());

  test('without a key: 401, saying what to send; with an unknown key: 401', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/incidents'],
      ['POST', '/api/v1/incidents'],
      ['POST', '/api/v1/events'],
      ['GET', '/api/v1/keys'],
    ]) {
      const r = await b.req(method, path, method === 'POST' ? {} : undefined);
      expect({ path, status: r.status, code: r.body.error.code }).toEqual({ path, status: 401, code: 'unauthorized' });
      expect(r.body.error.message).toMatch(/Authorization: Bearer/);
    }
    const wrong = await b.req('GET', '/api/v1/incidents', undefined, bearer(`${keys.viewer}x`));
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(keys.viewer);
    // Health, readiness, metrics and the OpenAPI document stay public.
    for (const path of ['/healthz', '/metrics', '/api/v1/openapi.json']) {
      expect((await b.get(path)).status).toBe(200);
    }
  });

  test('a viewer reads but changes nothing (403 naming the role it needs)', async () => {
    expect((await b.req('GET', '/api/v1/incidents', undefined, bearer(keys.viewer))).status).toBe(200);
    const create = await b.req('POST', '/api/v1/incidents', { title: 'x', severity: 'low', incident_type: 'custom' }, bearer(keys.viewer));
    expect(create.status).toBe(403);
    expect(create.body.error.message).toBe('the key the-viewer (role viewer) may not do this: it needs the role responder');
    expect((await b.req('POST', '/api/v1/events', { source: 'a', event_type: 'error', severity: 'high', message: 'x' }, bearer(keys.viewer))).status).toBe(403);
    expect((await b.req('PATCH', '/api/v1/rules/error_burst', { error_threshold: 5 }, bearer(keys.viewer))).status).toBe(403);
    expect((await b.req('PATCH', '/api/v1/rules/error_burst', { error_threshold: 5 }, bearer(keys.responder))).status).toBe(403);
  });

  test("a source only sends events; a responder acts as Grafana's user, never as a name in the body", async () => {
    const sent = await b.req('POST', '/api/v1/events', { source: 'api', event_type: 'error', severity: 'high', message: 'boom' }, bearer(keys.source));
    expect(sent.status).toBe(202);
    expect((await b.req('GET', '/api/v1/incidents', undefined, bearer(keys.source))).status).toBe(403);

    const created = await b.req('POST', '/api/v1/incidents', { title: 'Checkout down', severity: 'high', incident_type: 'custom' }, bearer(keys.responder));
    expect(created.status).toBe(201);
    const id = created.body.incident_id;
    const ack = await b.req('POST', `/api/v1/incidents/${id}/acknowledge`, { by: 'mallory' }, bearer(keys.responder, 'alice'));
    expect(ack.body.acknowledged_by).toBe('alice');
    const assign = await b.req('POST', `/api/v1/incidents/${id}/assign`, { assignee: 'bob', actor: 'mallory' }, bearer(keys.responder));
    expect(assign.status).toBe(200);
    const timeline = (await b.req('GET', `/api/v1/incidents/${id}/timeline`, undefined, bearer(keys.viewer))).body as Array<{ actor: string | null }>;
    expect(timeline.map((t) => t.actor)).not.toContain('mallory');
    expect(timeline.map((t) => t.actor)).toContain('the-responder');
  });

  test('keys are stored as SHA-256 hashes only, and listed without their secrets', async () => {
    // What is at rest: the SQLite file read on its own, or the PostgreSQL table.
    const db = TEST_STORE === 'sqlite' ? new Database(join(b.dataDir, 'mahavishnu.sqlite'), { readonly: true }) : null;
    try {
      const rows = (db ? db.prepare('SELECT * FROM api_keys').all() : await b.manager.services.store.db.selectFrom('api_keys').selectAll().execute()) as Array<Record<string, unknown>>;
      expect(rows).toHaveLength(5);
      const dump = JSON.stringify(rows);
      for (const key of Object.values(keys)) {
        expect(dump).not.toContain(key);
        expect(rows.some((r) => r.hash === sha256(key))).toBe(true);
      }
    } finally {
      db?.close();
    }
    const listed = await b.req('GET', '/api/v1/keys', undefined, bearer(keys.admin));
    expect(listed.body.map((k: { name: string }) => k.name)).toEqual(['ops-admin', 'the-viewer', 'the-responder', 'the-lead', 'the-source']);
    expect(JSON.stringify(listed.body)).not.toMatch(/mhv_[A-Za-z0-9_-]{32}/);
  });

  test('a revoked key is refused at once; the last admin key cannot be revoked', async () => {
    const temp = await b.req('POST', '/api/v1/keys', { name: 'temp', role: 'viewer' }, bearer(keys.admin));
    expect((await b.req('GET', '/api/v1/incidents', undefined, bearer(temp.body.key))).status).toBe(200);
    expect((await b.req('DELETE', '/api/v1/keys/temp', undefined, bearer(keys.admin))).body.revoked_by).toBe('ops-admin');
    expect((await b.req('GET', '/api/v1/incidents', undefined, bearer(temp.body.key))).status).toBe(401);
    const last = await b.req('DELETE', '/api/v1/keys/ops-admin', undefined, bearer(keys.admin));
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/last admin key/);
  });

  test('every mutation is in the audit log with who, when and the answer; refusals too', async () => {
    const audit = await b.req('GET', '/api/v1/audit?limit=500', undefined, bearer(keys.admin));
    expect(audit.status).toBe(200);
    const entries = audit.body as Array<{ actor: string; key_name: string; role: string; method: string; route: string; status: number; target: string | null; at: string; detail: string | null }>;
    expect(entries.find((e) => e.route === '/api/v1/incidents/:id/acknowledge')).toMatchObject({
      actor: 'alice',
      key_name: 'the-responder',
      role: 'responder',
      method: 'POST',
      status: 200,
      at: expect.stringMatching(/^2026-11-26T10:00:00/),
    });
    expect(entries.find((e) => e.route === '/api/v1/incidents' && e.status === 403)).toMatchObject({ key_name: 'the-viewer', detail: 'forbidden' });
    expect(entries.find((e) => e.route === '/api/v1/keys/:id' && e.status === 200)).toMatchObject({ actor: 'ops-admin', target: 'temp' });
    expect(entries.some((e) => e.route === '/api/v1/events')).toBe(false);
    expect((await b.req('GET', '/api/v1/audit', undefined, bearer(keys.lead))).status).toBe(403);
  });

  test('the entry is in the log before the answer arrives, however slow the store is to write it', async () => {
    // A store slow to write the entry: an answer sent before the write would be read before the entry exists.
    const audit = b.manager.services.store.audit;
    const append = audit.append.bind(audit);
    audit.append = async (entry) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await append(entry);
    };
    try {
      for (const [method, path, body, key, status] of [
        ['POST', '/api/v1/keys', { name: 'slow-one', role: 'viewer' }, keys.admin, 201],
        ['DELETE', '/api/v1/keys/slow-one', undefined, keys.admin, 200],
        ['POST', '/api/v1/incidents', { title: 'refused', severity: 'low' }, keys.viewer, 403],
      ] as const) {
        const r = await b.req(method, path, body, bearer(key));
        expect(r.status).toBe(status);
        const stored = await audit.list({ limit: 1 });
        expect(stored[0]).toMatchObject({ method, path, status });
      }
    } finally {
      audit.append = append;
    }
  });

  test('the CLI creates, lists and revokes keys and reads the audit log', async () => {
    const env = { MAHAVISHNU_API_KEY: keys.admin };
    const created = await runCli(['keys', 'create', '--name', 'ci-bot', '--role', 'source'], { url: b.url, env });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^mhv_/);
    expect(created.stderr).toMatch(/not shown again/);
    const listed = readTable((await runCli(['keys', 'list'], { url: b.url, env })).stdout);
    expect(listed.rows.map((r) => r[listed.head.indexOf('Name')])).toContain('ci-bot');
    expect((await runCli(['keys', 'revoke', 'ci-bot'], { url: b.url, env })).stdout).toMatch(/ci-bot\): revoked/);
    const audit = await runCli(['audit', '--format', 'json', '--target', 'ci-bot'], { url: b.url, env });
    expect(JSON.parse(audit.stdout)).toEqual([expect.objectContaining({ what: 'DELETE /api/v1/keys/ci-bot', status: 200, key: 'ops-admin' })]);
    const refused = await runCli(['keys', 'list'], { url: b.url, env: { MAHAVISHNU_API_KEY: keys.viewer } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 403/);
  });
});

describe('approvals of risky actions', () => {
  let b: Backend;
  const keys: Record<string, string> = {};
  const deadlock = async () =>
    (await b.req('POST', '/api/v1/incidents', { title: 'Deadlocks on orders', severity: 'high', incident_type: 'deadlock_detected' }, bearer(keys.responder))).body
      .incident_id as string;
  const run = (id: string, action: string, key: string) => b.req('POST', `/api/v1/incidents/${id}/actions/${action}`, {}, bearer(key));

  beforeAll(async () => {
    b = await startBackend({ remediation: { auto_remediation: false } });
    keys.admin = (await b.post('/api/v1/keys', { name: 'admin', role: 'admin' })).body.key;
    for (const role of ['responder', 'lead']) {
      keys[role] = (await b.req('POST', '/api/v1/keys', { name: role, role, grafana_proxy: true }, bearer(keys.admin))).body.key;
    }
  });

  afterAll(() => b?.close());

  test('a responder runs a medium risk action as its approver; a high risk one needs a lead', async () => {
    const id = await deadlock();
    const restart = await run(id, 'restart_service', keys.responder);
    expect(restart.status).toBe(200);
    expect(restart.body).toMatchObject({ status: 'succeeded', approved_by: 'responder', requested_by: 'responder' });

    const refused = await run(id, 'database_maintenance', keys.responder);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'approval_required' });
    expect(refused.body.error.message).toMatch(/needs the approval of a team lead.*the key responder is responder/);
    expect((await b.req('POST', '/api/v1/approvals', { incident_id: id, action_id: 'database_maintenance' }, bearer(keys.responder))).status).toBe(403);
  });

  test("a lead's approval authorizes one run of that action of that incident, and nothing else", async () => {
    const id = await deadlock();
    const other = await deadlock();
    const approval = await b.req('POST', '/api/v1/approvals', { incident_id: id, action_id: 'database_maintenance' }, bearer(keys.lead, 'lena'));
    expect(approval.status).toBe(201);
    expect(approval.body).toMatchObject({ approved_by: 'lena', role: 'lead', used_by_run: null });

    expect((await run(other, 'database_maintenance', keys.responder)).status).toBe(409);
    const ran = await run(id, 'database_maintenance', keys.responder);
    expect(ran.body).toMatchObject({ status: 'succeeded', approved_by: 'lena', requested_by: 'responder' });
    expect((await run(id, 'database_maintenance', keys.responder)).status).toBe(409);
    const approvals = (await b.req('GET', `/api/v1/incidents/${id}/approvals`, undefined, bearer(keys.responder))).body;
    expect(approvals).toEqual([expect.objectContaining({ approval_id: approval.body.approval_id, used_by_run: ran.body.run_id })]);
    const timeline = (await b.req('GET', `/api/v1/incidents/${id}/timeline`, undefined, bearer(keys.responder))).body as Array<{ event_type: string; actor: string }>;
    expect(timeline.find((t) => t.event_type === 'action_approved')).toMatchObject({ actor: 'lena' });
  });

  test('an approval expires', async () => {
    const id = await deadlock();
    await b.req('POST', '/api/v1/approvals', { incident_id: id, action_id: 'database_maintenance', expires_in_seconds: 60 }, bearer(keys.lead));
    b.clock.advance(61);
    const late = await run(id, 'database_maintenance', keys.responder);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('approval_required');
  });
});

describe("Grafana's webhook signature", () => {
  const SECRET = 'grafana-contact-point-secret';
  const HEADER = 'X-Grafana-Alerting-Signature-Timestamp';
  const body = readFileSync(join(__dirname, '../src/ingest/webhooks/fixtures/grafana-webhook-v1.json'), 'utf8');
  let b: Backend;
  const sign = (ts: number, raw: string) => createHmac('sha256', SECRET).update(`${ts}:${raw}`).digest('hex');
  const post = (raw: string, headers: Record<string, string>) => b.req('POST', '/api/v1/webhooks/grafana', raw, headers);
  const now = () => Math.floor(b.clock.now() / 1000);

  beforeAll(async () => {
    b = await startBackend(
      { security: { webhooks: { grafana: { hmac_secret_env: 'GF_WEBHOOK_SECRET', timestamp_header: HEADER } } } },
      undefined,
      undefined,
      { GF_WEBHOOK_SECRET: SECRET }
    );
  });

  afterAll(() => b?.close());

  test('a valid signature passes; a changed byte, a re-serialized body, a stale timestamp and a replay get 401', async () => {
    const ts = now();
    const valid = { 'X-Grafana-Alerting-Signature': sign(ts, body), [HEADER]: String(ts) };
    expect((await post(body, valid)).status).toBe(202);

    const changed = body.replace('"firing"', '"firinG"');
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    const stale = now() - 600;
    const cases: Array<[string, string, Record<string, string>]> = [
      ['a changed byte', changed, valid],
      ['a re-serialized body', reserialized, valid],
      ['a stale timestamp', body, { 'X-Grafana-Alerting-Signature': sign(stale, body), [HEADER]: String(stale) }],
      ['a replay', body, valid],
      ['no signature', body, { [HEADER]: String(ts) }],
      ['no timestamp', body, { 'X-Grafana-Alerting-Signature': sign(ts, body) }],
    ];
    for (const [what, raw, headers] of cases) {
      const r = await post(raw, headers);
      expect({ what, status: r.status, code: r.body.error?.code }).toEqual({ what, status: 401, code: 'unauthorized' });
    }
    expect((await b.get('/api/v1/events?limit=100')).body.filter((e: { metadata: { origin?: string } }) => e.metadata?.origin === 'grafana')).toHaveLength(
      JSON.parse(body).alerts.length
    );
  });
});

describe('a flooding source', () => {
  let b: Backend;
  const events = (source: string, n: number) => Array.from({ length: n }, (_, k) => ({ source, event_type: 'info', severity: 'low', message: `m${k}` }));
  const stored = async (source: string) => (await b.get(`/api/v1/events?source=${source}&limit=1000`)).body.length as number;

  beforeAll(async () => {
    b = await startBackend({ security: { rate_limit: { events_per_second_per_source: 10, burst_per_source: 20 } } });
  });

  afterAll(() => b?.close());

  test('gets 429 with Retry-After for its own events only; a batch with it is refused whole', async () => {
    expect((await b.post('/api/v1/events', events('noisy', 20))).status).toBe(202);
    const flooded = await b.post('/api/v1/events', events('noisy', 1));
    expect(flooded.status).toBe(429);
    expect(flooded.headers.get('retry-after')).toBe('1');
    expect(flooded.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('source "noisy"') });
    expect((await b.post('/api/v1/events', events('quiet', 5))).status).toBe(202);
    expect((await b.post('/api/v1/events', [...events('quiet', 1), ...events('noisy', 1)])).status).toBe(429);
    expect(await stored('quiet')).toBe(5);
    expect(await stored('noisy')).toBe(20);
    b.clock.advance(1);
    expect((await b.post('/api/v1/events', events('noisy', 10))).status).toBe(202);
  });
});

describe('the configuration, read back', () => {
  const SECRETS = {
    slack: 'https://hooks.slack.com/services/T000/B000/slack-token-123',
    routing: '0123456789abcdef0123456789abcdef',
    smtp: 'smtp-password-456',
    signing: 'webhook-signing-secret-789',
    header: 'Bearer action-token-000',
  };
  let b: Backend;

  beforeAll(async () => {
    b = await startBackend({
      notification: {
        channels: {
          team: { type: 'slack', webhook_url: SECRETS.slack },
          pager: { type: 'pagerduty', routing_key: SECRETS.routing },
          mail: { type: 'email', smtp: { host: 'smtp.example.com', port: 587, user: 'alerts', password: SECRETS.smtp }, from: 'a@example.com', to: ['b@example.com'] },
          hook: { type: 'webhook', url: 'https://hooks.example.com/in', secret: SECRETS.signing },
        },
      },
      remediation: {
        actions: { clear_cache: { executor: { kind: 'http', method: 'POST', url: 'https://cache.example.com/flush', headers: { Authorization: SECRETS.header } } } },
      },
    });
  });

  afterAll(() => b?.close());

  test('shows every secret only as "(set)"', async () => {
    const r = await b.get('/api/v1/config');
    expect(r.status).toBe(200);
    const text = JSON.stringify(r.body);
    for (const secret of Object.values(SECRETS)) {
      expect(text).not.toContain(secret);
    }
    expect(r.body.notification.channels.team.webhook_url).toBe('(set)');
    expect(r.body.notification.channels.mail.smtp).toMatchObject({ host: 'smtp.example.com', password: '(set)' });
    expect(r.body.remediation.actions.clear_cache.executor).toMatchObject({ url: 'https://cache.example.com/flush', headers: { Authorization: '(set)' } });
  });
});

test('without keys the backend refuses to listen beyond loopback, and says how to fix it', () => {
  expect(() => assertListenable('0.0.0.0', false)).toThrow(/refusing to listen on 0.0.0.0 without API keys.*security.auth.keys/);
  expect(() => assertListenable('10.1.2.3', false)).toThrow(/refusing/);
  expect(() => assertListenable('127.0.0.1', false)).not.toThrow();
  expect(() => assertListenable('::1', false)).not.toThrow();
  expect(() => assertListenable('0.0.0.0', true)).not.toThrow();
});

test('no key reaches the log, also of refused and failed requests (a real process, logging at debug)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-keys-'));
  const config = join(dir, 'config.yaml');
  const admin = 'configured-admin-key-0123456789';
  writeFileSync(config, 'security:\n  auth:\n    keys:\n      - { name: ops, role: admin, key_env: OPS_KEY }\n');
  const proc = await spawnBackend(join(dir, 'data'), { MAHAVISHNU_CONFIG: config, OPS_KEY: admin, MAHAVISHNU_LOG_LEVEL: 'debug' });
  let stderr = '';
  proc.child.stderr!.on('data', (d) => (stderr += d));
  try {
    const call = (path: string, init: RequestInit = {}) => fetch(proc.url + path, init);
    const created = (await (await call('/api/v1/keys', { method: 'POST', headers: { ...bearer(admin), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bot', role: 'source' }) })).json()) as { key: string };
    // Lists tell keys apart by their first characters: four of a configured key, as of a created one.
    const listed = (await (await call('/api/v1/keys', { headers: bearer(admin) })).json()) as Array<{ name: string; prefix: string }>;
    expect(listed.map((k) => [k.name, k.prefix])).toEqual([
      ['ops', 'conf'],
      ['bot', created.key.slice(0, 8)],
    ]);
    expect((await call('/api/v1/incidents', { headers: bearer(`${admin}-wrong`) })).status).toBe(401);
    expect((await call('/api/v1/incidents', { headers: bearer(created.key) })).status).toBe(403);
    expect((await call('/api/v1/events', { method: 'POST', headers: { ...bearer(created.key), 'content-type': 'application/json' }, body: '{not json' })).status).toBe(400);
    expect((await call('/api/v1/incidents', { headers: { authorization: `Basic ${Buffer.from(`x:${admin}`).toString('base64')}` } })).status).toBe(200);
    const metrics = await (await call('/metrics')).text();
    await proc.kill('SIGTERM');
    for (const secret of [admin, created.key]) {
      expect(stderr).not.toContain(secret);
      expect(metrics).not.toContain(secret);
    }
    expect(stderr).toContain('shutting down');
  } finally {
    await proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
