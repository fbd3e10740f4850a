import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpReceiver } from '../src/notification/channels/testing/http-receiver';
import { SmtpReceiver } from '../src/notification/channels/testing/smtp-receiver';
import { PagerDutyEventV2Schema } from '../src/notification/channels/pagerduty/events-v2.schema';
import { verifyWebhookSignature } from '../src/notification/channels/webhook/signature';
import type { ConfigInput } from '../src/config/schema';
import { ev, startBackend, type Backend } from './harness';

// Real servers and processes: generous under a loaded CI machine, though each test takes about a second.
jest.setTimeout(20_000);

const RECORD_ARGV = join(__dirname, 'fixtures/record-argv.js');
const SECRET = 'a-webhook-secret-of-some-length';
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefabcdef';

let service: HttpReceiver;
let slack: HttpReceiver;
let pd: HttpReceiver;
let hook: HttpReceiver;
let smtp: SmtpReceiver;
let b: Backend;
let marker: string;

function config(): ConfigInput {
  return {
    server: { public_url: 'http://grafana.local:3000' },
    detection: { rules: { error_burst: { time_window_seconds: 60, quiet_period_seconds: 30, check_interval_seconds: 1 } } },
    remediation: {
      verify_seconds: 60,
      actions: {
        clear_cache: { executor: { kind: 'http', url: `${service.origin}/cache/clear?incident={{incident.incident_id}}`, timeout_seconds: 2 } },
        restart_service: { executor: { kind: 'command', argv: [process.execPath, RECORD_ARGV, marker, '--service', '{{params.service}}'], timeout_seconds: 10 } },
      },
    },
    notification: {
      channels: {
        'ops-slack': { type: 'slack', webhook_url: slack.url('/services/T000/B000/XXXX') },
        'ops-pager': { type: 'pagerduty', routing_key: ROUTING_KEY, url: pd.url('/v2/enqueue') },
        'ops-hook': { type: 'webhook', url: hook.url('/incidents'), secret: SECRET },
        'ops-mail': { type: 'email', smtp: { host: '127.0.0.1', port: smtp.port }, from: 'incidents@example.com', to: ['sre@example.com'] },
      },
    },
    // Every receiver and the service listen on loopback, which the operator names.
    security: { outbound: { allowlist: ['127.0.0.1'] } },
  };
}

/** Ten api_error events from `source`, one a second, ending now. */
async function burst(source = 'shop-api', endAt = 0, n = 10): Promise<string> {
  const events = Array.from({ length: n }, (_, i) => ev('api_error', source, endAt - (n - 1 - i), { severity: 'high' }));
  const res = await b.post('/api/v1/events', events);
  expect(res.status).toBe(202);
  await b.settle();
  const list = (await b.get('/api/v1/incidents?status=active')).body;
  return list[0].incident_id;
}

beforeAll(async () => {
  [service, slack, pd, hook, smtp] = await Promise.all([HttpReceiver.start(), HttpReceiver.start(), HttpReceiver.start(), HttpReceiver.start(), SmtpReceiver.start()]);
  pd.reply = { status: 202, body: '{"status":"success","message":"Event processed"}' };
  hook.reply = { status: 200, body: '{}' };
  service.reply = { status: 200, body: '{"cleared":true}' };
});

beforeEach(async () => {
  marker = join(mkdtempSync(join(tmpdir(), 'mahavishnu-marker-')), 'restarts.log');
  for (const r of [service, slack, pd, hook]) {
    r.requests.length = 0;
  }
  smtp.mails.length = 0;
  b = await startBackend(config());
});

afterEach(async () => {
  await b.close();
});

afterAll(async () => {
  await Promise.all([service, slack, pd, hook, smtp].map((r) => r.close()));
});

describe('a safe action that helps', () => {
  it('runs clear_cache on its own, sees the errors stop, recovers, resolves and writes the post-mortem', async () => {
    const id = await burst();
    // Containment ran the low-risk action against the service, with the run's idempotency key.
    expect(service.requests).toHaveLength(1);
    expect(service.requests[0]).toMatchObject({ method: 'POST', path: `/cache/clear?incident=${id}` });
    expect(service.requests[0].headers['idempotency-key']).toBe(`${id}:clear_cache:auto`);
    let inc = (await b.get(`/api/v1/incidents/${id}`)).body;
    expect(inc.status).toBe('investigating');
    const actions = (await b.get(`/api/v1/incidents/${id}/actions`)).body;
    expect(actions.map((a: any) => [a.action_id, a.risk, a.approval, a.state])).toEqual([
      ['clear_cache', 'low', 'none', 'succeeded'],
      ['restart_service', 'medium', 'responder', 'awaiting_approval'],
      ['rollback_deployment', 'medium', 'responder', 'todo'],
      ['code_patch', 'high', 'lead', 'todo'],
    ]);
    expect(actions[0].runs[0]).toMatchObject({ trigger: 'auto', status: 'succeeded', detail: 'HTTP 200', verification: 'pending' });

    // The errors stop: after the verify period the action is judged to have helped.
    await b.advance(30);
    expect((await b.get(`/api/v1/incidents/${id}`)).body.status).toBe('recovering');
    await b.advance(30);
    inc = (await b.get(`/api/v1/incidents/${id}`)).body;
    expect(inc).toMatchObject({ status: 'resolved', resolved_by: 'auto' });
    const run = (await b.get(`/api/v1/incidents/${id}/actions`)).body[0].runs[0];
    expect(run.verification).toBe('helped');

    const types = (await b.get(`/api/v1/incidents/${id}/timeline`)).body.filter((t: any) => t.kind === 'lifecycle').map((t: any) => t.message);
    expect(types.filter((m: string) => m.startsWith('Status'))).toEqual([
      'Status detected -> assessing: root cause: api_error from shop-api',
      'Status assessing -> containing: running safe actions: clear_cache',
      'Status containing -> investigating: safe actions done',
      'Status investigating -> recovering: no matching event for 30s',
      'Status recovering -> resolved: recovery criteria met: no matching event for a further 30s, 0.0% errors in 0 events from shop-api',
    ]);

    const pm = (await b.get(`/api/v1/incidents/${id}/postmortem?format=json`)).body;
    expect(pm.status).toBe('generated');
    expect(pm.actions[0]).toMatchObject({ action_id: 'clear_cache', status: 'succeeded' });
    const md = (await b.get(`/api/v1/incidents/${id}/postmortem`)).body as string;
    expect(md).toMatch(/\| clear_cache \| Success \| .*HTTP 200/);
    // Closing refreshes it into the final version.
    await b.post(`/api/v1/incidents/${id}/close`, { by: 'alice' });
    expect((await b.get(`/api/v1/incidents/${id}/postmortem?format=json`)).body).toMatchObject({ status: 'final' });

    // People edit the follow-ups and the summary, and add notes.
    const edited = await b.req('PATCH', `/api/v1/incidents/${id}/postmortem`, {
      summary: 'A stale cache entry made checkout fail; clearing it fixed it.',
      follow_ups: [{ text: 'Alert on cache staleness', owner: 'alice', priority: 'high' }],
      notes: 'reviewed in the weekly meeting',
      actor: 'alice',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.summary).toBe('A stale cache entry made checkout fail; clearing it fixed it.');
    expect(edited.body.follow_ups).toEqual([{ text: 'Alert on cache staleness', owner: 'alice', priority: 'high', done: false }]);
    expect(edited.body.markdown).toContain('1. [ ] Alert on cache staleness (alice, high)');
    expect(edited.body.markdown).toContain('reviewed in the weekly meeting');
    const bad = await b.req('PATCH', `/api/v1/incidents/${id}/postmortem`, { follow_ups: [{ owner: 'bob' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('body.follow_ups[0].text');
  });

  it('tells every receiver once, with PagerDuty trigger and resolve sharing the dedup and routing keys', async () => {
    const id = await burst();
    // Only errors in the window: error_burst escalates to critical, so PagerDuty is paged too.
    expect((await b.get(`/api/v1/incidents/${id}`)).body.severity).toBe('critical');
    await b.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'bob' });
    await b.settle();
    await b.advance(30);
    await b.advance(30);
    expect((await b.get(`/api/v1/incidents/${id}`)).body.status).toBe('resolved');

    const events = pd.json().map((body) => PagerDutyEventV2Schema.parse(body));
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(new Set(events.map((e) => e.dedup_key))).toEqual(new Set([id]));
    expect(new Set(events.map((e) => e.routing_key))).toEqual(new Set([ROUTING_KEY]));
    const trigger = events[0] as any;
    expect(trigger.payload).toMatchObject({ severity: 'critical', source: 'shop-api', class: 'error_burst' });
    expect(trigger.links[0].href).toBe(`http://grafana.local:3000/a/mahavishnu-incidents-app/incidents/${id}`);

    // Slack: created and resolved (Slack is not told about acknowledgements), with the link.
    const slackBodies = slack.json() as any[];
    expect(slackBodies.map((m) => m.text)).toEqual([expect.stringMatching(new RegExp(`^New CRITICAL incident ${id}`)), expect.stringMatching(new RegExp(`^${id} resolved automatically`))]);
    expect(JSON.stringify(slackBodies[0].blocks)).toContain(`/a/mahavishnu-incidents-app/incidents/${id}`);

    // Webhook: every change, each signed over timestamp.body.
    expect(hook.requests.map((r) => r.headers['x-mahavishnu-event'])).toEqual(['incident_created', 'acknowledged', 'resolved']);
    for (const r of hook.requests) {
      expect(verifyWebhookSignature(SECRET, String(r.headers['x-mahavishnu-timestamp']), r.body, String(r.headers['x-mahavishnu-signature']))).toBe(true);
      expect(JSON.parse(r.body)).toMatchObject({ incident_id: id, type: 'error_burst', url: expect.stringContaining(id) });
    }
    // Email through a real SMTP server: created and resolved.
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[0].to).toEqual(['sre@example.com']);
    expect(smtp.mails[0].raw).toMatch(/Subject: .*CRITICAL/);

    // Delivery history per incident.
    const deliveries = (await b.get(`/api/v1/incidents/${id}/notifications`)).body;
    expect(deliveries.every((d: any) => d.status === 'sent')).toBe(true);
    expect(deliveries.filter((d: any) => d.receiver === 'ops-pager').map((d: any) => d.kind)).toEqual(['incident_created', 'acknowledged', 'resolved']);

    // A restart sends nothing again.
    const before = [slack, pd, hook].map((r) => r.requests.length);
    b = await b.restart();
    await b.settle();
    await b.advance(10);
    expect([slack, pd, hook].map((r) => r.requests.length)).toEqual(before);
    expect(smtp.mails).toHaveLength(2);
  });
});

describe('recovery', () => {
  it('holds an incident in recovering while its components still send 1% errors or more, then resolves', async () => {
    const id = await burst();
    await b.advance(30);
    expect((await b.get(`/api/v1/incidents/${id}`)).body.status).toBe('recovering');
    // Not the rule's events, but errors of the same component: 1 in 50 is 2%.
    const mixed = [ev('db_timeout', 'shop-api', 31, { severity: 'high' }), ...Array.from({ length: 49 }, (_, i) => ev('request_ok', 'shop-api', 31 + i * 0.5, { severity: 'info' }))];
    expect((await b.post('/api/v1/events', mixed)).status).toBe(202);
    await b.advance(30);
    let inc = (await b.get(`/api/v1/incidents/${id}?include=timeline`)).body;
    expect(inc.status).toBe('recovering');
    expect(inc.timeline.find((t: any) => t.event_type === 'recovery_held').message).toBe('still recovering: 2.0% errors in 50 events from shop-api (the exit criterion is under 1%)');
    // Healthy traffic only over the next quiet period.
    await b.post('/api/v1/events', Array.from({ length: 20 }, (_, i) => ev('request_ok', 'shop-api', 61 + i, { severity: 'info' })));
    await b.advance(30);
    inc = (await b.get(`/api/v1/incidents/${id}`)).body;
    expect(inc).toMatchObject({ status: 'resolved', resolved_by: 'auto' });
  });
});

describe('a safe action that does not help, then a risky one', () => {
  it('marks clear_cache "did not help", waits in remediating for approval, then runs restart_service as plain argv', async () => {
    const id = await burst();
    // Errors go on at the same rate through the verify period.
    for (let t = 1; t <= 60; t += 5) {
      await b.post('/api/v1/events', [ev('api_error', 'shop-api', t, { severity: 'high' })]);
      await b.advance(5);
    }
    let inc = (await b.get(`/api/v1/incidents/${id}`)).body;
    expect(inc.status).toBe('remediating');
    const actions = (await b.get(`/api/v1/incidents/${id}/actions`)).body;
    expect(actions.find((a: any) => a.action_id === 'clear_cache')).toMatchObject({ state: 'did_not_help' });
    const approval = (slack.json() as any[]).find((m) => /needs approval/.test(m.text));
    expect(approval.text).toMatch(/restart_service|Restart service/);

    // Without an approval a medium-risk action does not run.
    const refused = await b.post(`/api/v1/incidents/${id}/actions/restart_service`, { params: { service: 'shop-api' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'approval_required', message: expect.stringMatching(/on-call responder/) });
    expect(existsSync(marker)).toBe(false);

    // A dry run shows the argv and does nothing.
    const dry = await b.post(`/api/v1/incidents/${id}/actions/restart_service`, { dry_run: true, params: { service: 'x; touch /tmp/owned' } });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ status: 'dry_run', plan: { argv: [process.execPath, RECORD_ARGV, marker, '--service', 'x; touch /tmp/owned'] } });
    expect(existsSync(marker)).toBe(false);

    const hostile = '$(id) `id` ; touch /tmp/owned\n--flag';
    const ran = await b.post(`/api/v1/incidents/${id}/actions/restart_service`, { approved_by: 'john.doe', params: { service: hostile } });
    expect(ran.status).toBe(200);
    expect(ran.body).toMatchObject({ status: 'succeeded', approved_by: 'john.doe', detail: 'exit 0', output: expect.stringContaining('restarted') });
    expect(readFileSync(marker, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([['--service', hostile]]);

    inc = (await b.get(`/api/v1/incidents/${id}?include=timeline`)).body;
    expect(inc.timeline.some((t: any) => t.event_type === 'action_requested' && /approved by john\.doe/.test(t.message))).toBe(true);
    // The same idempotency key does not run it twice.
    const key = 'change-4711';
    const first = await b.req('POST', `/api/v1/incidents/${id}/actions/restart_service`, { approved_by: 'john.doe', params: { service: 'a' } }, { 'Idempotency-Key': key });
    const again = await b.req('POST', `/api/v1/incidents/${id}/actions/restart_service`, { approved_by: 'john.doe', params: { service: 'a' } }, { 'Idempotency-Key': key });
    expect(again.body.run_id).toBe(first.body.run_id);
    expect(readFileSync(marker, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('stops a loop with the rate budget: 429 with Retry-After', async () => {
    await b.close();
    const cfg = config();
    (cfg.remediation!.actions as any).restart_service.max_runs_per_hour = 1;
    b = await startBackend(cfg);
    const id = await burst();
    expect((await b.post(`/api/v1/incidents/${id}/actions/restart_service`, { approved_by: 'jd', params: { service: 'a' } })).status).toBe(200);
    const limited = await b.post(`/api/v1/incidents/${id}/actions/restart_service`, { approved_by: 'jd', params: { service: 'a' } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_budget_exhausted');
    expect(Number(limited.headers.get('retry-after'))).toBe(3600);
  });
});
