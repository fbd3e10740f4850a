import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { countingListener } from '../src/security/testing/counting-listener';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { IncidentManager } from '../src/builder';
import { ConfigError, parseConfig } from '../src/config/load';
import { ConfigSchema, type ConfigInput } from '../src/config/schema';
import { HttpReceiver } from '../src/notification/channels/testing/http-receiver';
import { ManualClock } from '../src/util/clock';
import { T0 } from './harness';
import { spawnBackend, until, type BackendProcess } from './process';
import { testStoreConfig } from './test-store';

// Reliability test 11 (SSRF), with test 13's rule that the URL's credential never shows.
jest.setTimeout(30_000);

/** The credential part of every URL below, as in a Slack webhook; it must never come back. */
const TOKEN = 'Sup3rS3cretT0kenXYZ';

const slackUrl = (hostPort: string) => `http://${hostPort}/services/T0SSRF/B0SSRF/${TOKEN}`;
const hookUrl = (hostPort: string) => `http://${hostPort}/hook/${TOKEN}`;
const actionUrl = (hostPort: string) => `http://${hostPort}/cache/clear?token=${TOKEN}`;

/** Two receivers (Slack and a webhook) and an http action, all at `hostPort`. */
function config(hostPort: string, allowlist: string[] = []): ConfigInput {
  return {
    remediation: {
      auto_remediation: false,
      actions: { clear_cache: { executor: { kind: 'http', url: actionUrl(hostPort), timeout_seconds: 2 } } },
      recommendations: { custom: ['clear_cache'] },
    },
    notification: {
      channels: {
        'team-slack': { type: 'slack', webhook_url: slackUrl(hostPort), timeout_seconds: 2 },
        'team-hook': { type: 'webhook', url: hookUrl(hostPort), timeout_seconds: 2 },
      },
      routes: [{ receivers: ['team-slack', 'team-hook'] }],
    },
    security: { outbound: { allowlist } },
  };
}


interface Running {
  get(path: string): Promise<{ status: number; text: string; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; text: string; body: any }>;
  settle(): Promise<void>;
  logs: string[];
  close(): Promise<void>;
}

/**
 * A backend in this process, with a clock the test drives and every log line kept. Built from the
 * schema alone, without the load-time check of `parseConfig`, so that what is shown is the guard
 * at connect time by itself (a config with these IP literals is refused before it ever runs: see
 * "on save" below).
 */
async function startUnchecked(input: ConfigInput): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-ssrf-'));
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const manager = await IncidentManager.build({
    config: ConfigSchema.parse({ ...input, store: { ...testStoreConfig(dir), data_dir: dir } }),
    logger,
    clock: new ManualClock(T0),
    sweepTimer: false,
  });
  const { port } = await manager.listen(0, '127.0.0.1');
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text,
    };
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    settle: async () => {
      const { runner, relay, engine } = manager.services;
      await runner.settle();
      await engine.idle();
      await relay.tick();
      await relay.settle();
    },
    logs,
    close: async () => {
      await manager.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens an incident (notifying both receivers), runs clear_cache, and returns what the API shows. */
async function openAndRun(b: Running) {
  const created = await b.post('/api/v1/incidents', {
    incident_type: 'custom',
    severity: 'high',
    title: 'Checkout failing',
    components: ['shop'],
  });
  expect(created.status).toBe(201);
  const id = created.body.incident_id as string;
  await b.settle();
  const ran = await b.post(`/api/v1/incidents/${id}/actions/clear_cache`, { actor: 'alice' });
  await b.settle();
  const deliveries = await b.get(`/api/v1/incidents/${id}/notifications`);
  const actions = await b.get(`/api/v1/incidents/${id}/actions`);
  const metrics = await b.get('/metrics');
  const run = (actions.body as any[]).find((a) => a.action_id === 'clear_cache').runs[0];
  // The run's failure is itself notified (action_failed), so each receiver has two deliveries when it fails.
  const kinds = (deliveries.body as any[]).map((d) => `${d.receiver} ${d.kind}`).sort();
  return {
    ran,
    deliveries,
    actions,
    metrics,
    kinds,
    run,
    everything: [ran.text, deliveries.text, actions.text, metrics.text, ...b.logs].join('\n'),
  };
}

describe('SSRF: on save, a config naming an internal IP address is refused with its path', () => {
  it.each([
    ['127.0.0.1', 'refused to connect to 127.0.0.1 (loopback)'],
    ['169.254.169.254', 'refused to connect to 169.254.169.254 (link-local)'],
    ['10.0.0.1', 'refused to connect to 10.0.0.1 (private)'],
    ['0.0.0.0', 'refused to connect to 0.0.0.0 (unspecified)'],
    ['2130706433', 'refused to connect to 127.0.0.1 (loopback)'],
    ['[::ffff:127.0.0.1]', 'refused to connect to ::ffff:7f00:1 (loopback)'],
  ])('%s', (host, refusal) => {
    let err: unknown;
    try {
      parseConfig(config(`${host}:8080`), 'config.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const hint = 'add it to security.outbound.allowlist to allow';
    expect((err as Error).message.split('\n')).toEqual([
      'invalid config.yaml:',
      `  notification.channels.team-slack.webhook_url: ${refusal}: ${hint}`,
      `  notification.channels.team-hook.url: ${refusal}: ${hint}`,
      `  remediation.actions.clear_cache.executor.url: ${refusal}: ${hint}`,
    ]);
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it('checks the SMTP relay too, and takes what the allowlist names and host names (judged when resolved)', () => {
    const mail = (host: string) => ({
      notification: {
        channels: {
          mail: { type: 'email' as const, smtp: { host, port: 25 }, from: 'a@example.com', to: ['b@example.com'] },
        },
      },
    });
    expect(() => parseConfig(mail('192.168.1.10'))).toThrow(
      'notification.channels.mail.smtp.host: refused to connect to 192.168.1.10 (private): add it to security.outbound.allowlist to allow'
    );
    expect(() =>
      parseConfig({ ...mail('192.168.1.10'), security: { outbound: { allowlist: ['192.168.0.0/16'] } } })
    ).not.toThrow();
    expect(() => parseConfig(config('127.0.0.1:8080', ['127.0.0.1']))).not.toThrow();
    expect(() => parseConfig(config('hooks.internal:8080'))).not.toThrow();
    expect(() => parseConfig(config('203.0.113.1:8080'))).toThrow(/203\.0\.113\.1 \(reserved\)/);
  });

  it('a real backend process refuses to start, naming the key and not the URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-ssrf-proc-'));
    try {
      const file = join(dir, 'config.yaml');
      writeFileSync(file, stringify(config('169.254.169.254')));
      const err: unknown = await spawnBackend(dir, { MAHAVISHNU_CONFIG: file }).catch((e: unknown) => e);
      expect(String(err)).toContain(
        'notification.channels.team-slack.webhook_url: refused to connect to 169.254.169.254 (link-local): add it to security.outbound.allowlist to allow'
      );
      expect(String(err)).not.toContain(TOKEN);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SSRF: at connect time, receivers and actions on internal addresses are refused for good', () => {
  let receiver: HttpReceiver;
  let port: number;

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    port = Number(new URL(receiver.origin).port);
  });
  beforeEach(() => receiver.reset());
  afterAll(() => receiver.close());

  it.each([
    [
      'loopback',
      '127.0.0.1',
      'refused to connect to 127.0.0.1 (loopback): add it to security.outbound.allowlist to allow',
    ],
    [
      'cloud metadata (link-local)',
      '169.254.169.254',
      'refused to connect to 169.254.169.254 (link-local): add it to security.outbound.allowlist to allow',
    ],
    [
      'a private range',
      '10.0.0.1',
      'refused to connect to 10.0.0.1 (private): add it to security.outbound.allowlist to allow',
    ],
    [
      'the unspecified address',
      '0.0.0.0',
      'refused to connect to 0.0.0.0 (unspecified): add it to security.outbound.allowlist to allow',
    ],
    [
      'a decimal IP',
      '2130706433',
      'refused to connect to 127.0.0.1 (loopback): add it to security.outbound.allowlist to allow',
    ],
    [
      'a name that resolves to loopback',
      'localhost',
      /^refused to connect to localhost at (127\.0\.0\.1|::1) \(loopback\): add the host or the address to security\.outbound\.allowlist to allow$/,
    ],
  ])('%s (%s)', async (_what, host, reason) => {
    const exactly = (r: string | RegExp) => (typeof r === 'string' ? r : expect.stringMatching(r));
    const b = await startUnchecked(config(`${host}:${port}`));
    try {
      const seen = await openAndRun(b);
      // Final after one attempt, the reason in the delivery history and in the run.
      expect(seen.kinds).toEqual([
        'team-hook action_failed',
        'team-hook incident_created',
        'team-slack action_failed',
        'team-slack incident_created',
      ]);
      for (const d of seen.deliveries.body as any[]) {
        expect(d).toMatchObject({
          status: 'failed',
          attempts: 1,
          last_status: null,
          next_attempt_at: null,
          last_error: exactly(reason),
        });
      }
      expect(seen.ran.status).toBe(200);
      expect(seen.ran.body).toMatchObject({ status: 'failed', detail: exactly(reason) });
      expect(seen.run).toMatchObject({ status: 'failed', output: '', detail: exactly(reason) });
      expect(seen.metrics.text).toMatch(
        /notifications_total\{[^}]*receiver="team-slack"[^}]*outcome="failed"[^}]*\} 1/
      );
      // Nothing reached the receiver, and the token is nowhere: not in the API, the metrics or the logs.
      expect(receiver.requests).toHaveLength(0);
      expect(seen.everything).not.toContain(TOKEN);
      expect(b.logs.join('\n')).toContain('refused to connect to');
    } finally {
      await b.close();
    }
  });

  it('does not follow a 302 from an allowlisted receiver to 127.0.0.1: the other port gets no connection', async () => {
    const elsewhere = await countingListener();
    receiver.reply = {
      status: 302,
      headers: { location: `http://127.0.0.1:${elsewhere.port}/latest/meta-data/${TOKEN}` },
    };
    // The receiver is named by its host name; the redirect's target is not named at all.
    const b = await startUnchecked(config(`localhost:${port}`, ['localhost']));
    try {
      const seen = await openAndRun(b);
      expect(seen.kinds).toHaveLength(4);
      for (const d of seen.deliveries.body as any[]) {
        expect(d).toMatchObject({ status: 'failed', attempts: 1, last_status: 302, last_error: 'HTTP 302' });
      }
      expect(seen.run).toMatchObject({ status: 'failed', detail: 'HTTP 302, expected 2xx' });
      // Four notifications and the action reached the receiver, once each; nothing went where it pointed.
      expect(receiver.requests).toHaveLength(5);
      expect(elsewhere.connections()).toBe(0);
      expect(seen.everything).not.toContain(TOKEN);
    } finally {
      await b.close();
      await elsewhere.close();
    }
  });

  it.each([
    ['an address', '127.0.0.1', ['127.0.0.1']],
    ['a decimal IP, by the address it stands for', '2130706433', ['127.0.0.1']],
    ['a host name', 'localhost', ['localhost']],
    ['a CIDR range', '127.0.0.1', ['127.0.0.0/8']],
  ])('admits what the allowlist names: %s', async (_what, host, allowlist) => {
    receiver.reply = { status: 200, body: 'ok' };
    const b = await startUnchecked(config(`${host}:${port}`, allowlist));
    try {
      const seen = await openAndRun(b);
      expect(seen.kinds).toEqual(['team-hook incident_created', 'team-slack incident_created']);
      for (const d of seen.deliveries.body as any[]) {
        expect(d).toMatchObject({ status: 'sent', attempts: 1, last_status: 200, last_error: null });
      }
      expect(seen.run).toMatchObject({ status: 'succeeded', detail: 'HTTP 200' });
      expect(receiver.requests.map((r) => r.path).sort()).toEqual(
        [`/cache/clear?token=${TOKEN}`, `/hook/${TOKEN}`, `/services/T0SSRF/B0SSRF/${TOKEN}`].sort()
      );
    } finally {
      await b.close();
    }
  });
});

describe('SSRF: a real backend process', () => {
  let dir: string;
  let proc: BackendProcess | undefined;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mahavishnu-ssrf-proc-'));
    receiver = await HttpReceiver.start();
  });
  afterAll(async () => {
    await proc?.kill('SIGTERM');
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a receiver whose name resolves to loopback, visibly in the API and never with the token in its logs', async () => {
    const file = join(dir, 'config.yaml');
    const cfg = config(`localhost:${new URL(receiver.origin).port}`) as any;
    cfg.notification.relay_interval_ms = 50;
    writeFileSync(file, stringify(cfg));
    proc = await spawnBackend(dir, { MAHAVISHNU_CONFIG: file, MAHAVISHNU_LOG_LEVEL: 'debug' });
    let stderr = '';
    proc.child.stderr!.on('data', (d) => (stderr += d));
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(proc!.url + path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    };
    const created = await api('POST', '/api/v1/incidents', {
      incident_type: 'custom',
      severity: 'high',
      title: 'Checkout failing',
      components: ['shop'],
    });
    expect(created.status).toBe(201);
    const id = JSON.parse(created.text).incident_id as string;
    const deliveries = await until('both deliveries to fail', async () => {
      const res = await api('GET', `/api/v1/incidents/${id}/notifications`);
      const list = JSON.parse(res.text) as any[];
      return list.length === 2 && list.every((d) => d.status === 'failed') ? res.text : null;
    });
    for (const d of JSON.parse(deliveries) as any[]) {
      expect(d.last_error).toMatch(/^refused to connect to localhost at (127\.0\.0\.1|::1) \(loopback\)/);
    }
    const ran = await api('POST', `/api/v1/incidents/${id}/actions/clear_cache`, { actor: 'alice' });
    expect(JSON.parse(ran.text)).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/^refused to connect to localhost at/),
    });
    await until('the refusal to be logged', () => stderr.includes('refused to connect to localhost'));
    expect(receiver.requests).toHaveLength(0);
    for (const text of [deliveries, ran.text, stderr, (await api('GET', '/metrics')).text]) {
      expect(text).not.toContain(TOKEN);
    }
  });
});
