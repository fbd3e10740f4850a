import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../src/security/keys';
import { alertmanagerBinary, startAlertmanager } from './peers/alertmanager';
import { startMetricService, type MetricService } from './peers/metric-service';
import { prometheusBinary, query, startPrometheus, type Peer } from './peers/prometheus';
import { spawnBackend, until, type BackendProcess } from './process';

// Real Prometheus and Alertmanager (Debian's `prometheus` and `prometheus-alertmanager`) on loopback:
// Prometheus evaluates an alert rule on a metric that a test service exposes, Alertmanager groups
// the alert and posts its webhook to the backend, and Prometheus scrapes the backend's /metrics.
// A missing binary fails these tests with the install hint; nothing is skipped. The backend requires
// keys, as it does beyond loopback: Alertmanager sends its `source` key, the test reads with a viewer's.

jest.setTimeout(60_000);

const ALERTNAME = 'CheckoutErrorRate';
const RULE = {
  alert: ALERTNAME,
  expr: 'checkout_error_ratio > 0.05',
  for: '0s',
  labels: { severity: 'critical', incident_type: 'error_burst' },
  annotations: {
    summary: 'Error ratio above 5% on {{ $labels.service }}',
    description: 'error ratio is {{ $value }}',
  },
};

let dataDir: string | undefined;
let service: MetricService | undefined;
let backend: BackendProcess | undefined;
let alertmanager: Peer | undefined;
let prometheus: Peer | undefined;

const KEYS = { alertmanager: 'alertmanager-key-0123456789abcdef', reader: 'reader-key-0123456789abcdef' };

async function api<T = any>(path: string): Promise<T> {
  const res = await fetch(backend!.url + path, { headers: { authorization: `Bearer ${KEYS.reader}` } });
  if (res.status !== 200) {
    throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as T;
}

/** The value of a one-sample instant query, or undefined while the query has no (or more than one) sample. */
async function scalar(promql: string): Promise<string | undefined> {
  const result = await query(prometheus!, promql);
  return result.length === 1 ? result[0].value[1] : undefined;
}

beforeAll(async () => {
  // Fail at once, with the install hint, when a peer is missing.
  prometheusBinary();
  alertmanagerBinary();
  dataDir = mkdtempSync(join(tmpdir(), 'mahavishnu-peers-'));
  service = await startMetricService('checkout_error_ratio', 'Share of checkout requests that failed', { service: 'checkout' });
  const config = join(dataDir, 'config.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      security: {
        auth: {
          keys: [
            { name: 'alertmanager', role: 'source', sha256: sha256(KEYS.alertmanager) },
            { name: 'reader', role: 'viewer', sha256: sha256(KEYS.reader) },
          ],
        },
      },
    })
  );
  backend = await spawnBackend(join(dataDir, 'data'), { MAHAVISHNU_CONFIG: config });
  alertmanager = await startAlertmanager({
    webhookUrl: `${backend.url}/api/v1/webhooks/alertmanager`,
    groupBy: ['alertname', 'service'],
    bearerKey: KEYS.alertmanager,
  });
  prometheus = await startPrometheus({
    scrape: { checkout: service.target, mahavishnu: new URL(backend.url).host },
    rules: [RULE],
    alertmanager: `127.0.0.1:${alertmanager.port}`,
  });
  // Both targets are up before the test changes anything.
  await until('Prometheus to scrape the service and the backend', async () => (await query(prometheus!, 'up == 1')).length === 2);
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await backend?.kill('SIGTERM');
  await service?.close();
  if (dataDir) {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 30_000);

describe('real Prometheus and Alertmanager', () => {
  let incidentId: string;

  it('opens an incident when Prometheus fires an alert and Alertmanager posts it with its key', async () => {
    // Without the key the backend takes nothing.
    const anonymous = await fetch(`${backend!.url}/api/v1/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    service!.set(0.2);
    const inc = await until('an incident from the alert', async () => (await api<any[]>('/api/v1/incidents')).find((i) => i.rule_id === 'external_alert'));
    incidentId = inc.incident_id;
    expect(inc).toMatchObject({
      incident_type: 'error_burst',
      severity: 'critical',
      status: 'investigating',
      title: `${ALERTNAME}: Error ratio above 5% on checkout`,
      description: 'error ratio is 0.2',
      affected_components: ['checkout'],
      resolved_at: null,
    });
    // Alertmanager's group key names the group_by labels: one notification group, one incident.
    expect(inc.group_key).toBe(`metadata.group_key={}:{alertname="${ALERTNAME}", service="checkout"}`);

    const timeline = await api<any[]>(`/api/v1/incidents/${incidentId}/timeline`);
    const firing = timeline.find((t) => t.event_type === 'alert_firing');
    expect(firing).toMatchObject({ source: 'checkout', severity: 'critical', message: 'Error ratio above 5% on checkout' });
    // The labels are the rule's plus those of the scraped series, as Prometheus attached them.
    expect(firing.data).toMatchObject({
      origin: 'alertmanager',
      alertname: ALERTNAME,
      status: 'firing',
      receiver: 'mahavishnu',
      external_url: alertmanager!.url,
      labels: { alertname: ALERTNAME, service: 'checkout', severity: 'critical', incident_type: 'error_burst', job: 'checkout', instance: service!.target },
    });
    expect(firing.data.generator_url).toMatch(new RegExp(`^${prometheus!.url}/graph\\?g0\\.expr=checkout_error_ratio`));
    // Prometheus re-sends the firing alert every second; it stays one incident.
    expect(await api<any[]>('/api/v1/incidents')).toHaveLength(1);
  });

  it('exposes the incident in /metrics, which Prometheus scrapes and answers queries about', async () => {
    const labels = 'job="mahavishnu",incident_type="error_burst",severity="critical"';
    expect(await until('incidents created through Prometheus', () => scalar(`mahavishnu_incidents_created_total{${labels}}`))).toBe('1');
    expect(await until('active incidents through Prometheus', () => scalar(`mahavishnu_incidents_active{${labels}}`))).toBe('1');
    const [sample] = await query(prometheus!, `mahavishnu_incidents_created_total{${labels}}`);
    expect(sample.metric).toMatchObject({ instance: new URL(backend!.url).host });
  });

  it('resolves the incident when the alert clears and Alertmanager sends resolved', async () => {
    expect(incidentId).toBeDefined();
    service!.set(0);
    const inc = await until('the incident to resolve', async () => {
      const i = await api(`/api/v1/incidents/${incidentId}`);
      return i.status === 'resolved' && i;
    });
    expect(inc).toMatchObject({ status: 'resolved', resolved_by: 'auto', event_count: 2 });
    expect(inc.resolved_at).not.toBeNull();
    expect(typeof inc.mttr).toBe('number');

    const timeline = await api<any[]>(`/api/v1/incidents/${incidentId}/timeline`);
    expect(timeline.find((t) => t.event_type === 'alert_resolved')?.data).toMatchObject({ status: 'resolved', alertname: ALERTNAME });
    expect(timeline.filter((t) => t.event_type === 'status_changed').pop()).toMatchObject({
      message: 'Status investigating -> resolved: all alerts resolved by alertmanager',
      data: { from: 'investigating', to: 'resolved' },
    });
    expect(await api<any[]>('/api/v1/incidents')).toHaveLength(1);

    // The resolved incident's series stays, at 0, so alerts and panels can ask for `== 0`.
    const active = 'mahavishnu_incidents_active{job="mahavishnu",incident_type="error_burst",severity="critical"}';
    expect(await until('no active incident through Prometheus', async () => (await scalar(active)) === '0' && '0')).toBe('0');
    expect(await scalar('mahavishnu_incidents_created_total{job="mahavishnu",incident_type="error_burst",severity="critical"}')).toBe('1');
  });
});
