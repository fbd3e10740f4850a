import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/load';

const root = path.resolve(__dirname, '../..');
const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');
const json = (p: string) => JSON.parse(read(p));

const app = json('src/plugin.json');
const panel = json('src/panels/incidents/plugin.json');
const datasource = json('src/datasources/incidents/plugin.json');

/** What Grafana checks when it reads the provisioning files, and what the plugin's proxy routes promise. */
describe('provisioning', () => {
  const apps = parse(read('provisioning/plugins/apps.yaml'));
  const datasources = parse(read('provisioning/datasources/datasources.yaml'));
  const providers = parse(read('provisioning/dashboards/dashboards.yaml'));
  const dashboard = json('provisioning/dashboards/incident-response.json');
  const ours = datasources.datasources.find((d: any) => d.type === datasource.id);

  it('enables the app with the backend URL and one key per role, never a literal secret', () => {
    expect(apps.apps[0]).toMatchObject({ type: app.id, disabled: false, jsonData: { apiUrl: expect.stringMatching(/^http:\/\//) } });
    const keys = apps.apps[0].secureJsonData;
    expect(Object.keys(keys).sort()).toEqual(['adminKey', 'readKey', 'respondKey']);
    for (const v of Object.values(keys)) {
      expect(v).toMatch(/^\$\{MAHAVISHNU_[A-Z_]+\}$/);
    }
  });

  it('uses the keys the routes inject, and gates them by role and by RBAC action', () => {
    const used = new Set<string>(app.routes.map((r: any) => /SecureJsonData\.(\w+)/.exec(r.headers[0].content)![1]));
    expect([...used].sort()).toEqual(Object.keys(apps.apps[0].secureJsonData).sort());
    const actions = new Set(app.roles.flatMap((r: any) => r.role.permissions.map((p: any) => p.action)));
    for (const r of app.routes) {
      expect(['Viewer', 'Editor', 'Admin']).toContain(r.reqRole);
      expect(actions.has(r.reqAction)).toBe(true);
      expect(r.url.startsWith('{{ .JsonData.apiUrl }}/api/v1')).toBe(true);
    }
    // First match wins: rule changes (admin) come before the editor's catch-all for POST.
    const firstPost = app.routes.find((r: any) => r.method === 'POST');
    expect(firstPost).toMatchObject({ path: 'api/v1/rules', reqRole: 'Admin' });
    expect(app.routes.find((r: any) => r.method === 'GET')).toMatchObject({ path: 'api/v1/*', reqRole: 'Viewer', headers: [{ content: 'Bearer {{ .SecureJsonData.readKey }}' }] });
  });

  it('lists the nested panel and datasource in the app', () => {
    expect(app.includes).toEqual(expect.arrayContaining([{ type: 'panel', name: panel.name }, { type: 'datasource', name: datasource.name }]));
    expect(panel).toMatchObject({ type: 'panel', id: 'mahavishnu-incidents-panel' });
    expect(datasource).toMatchObject({ type: 'datasource', id: 'mahavishnu-incidents-datasource', annotations: true });
  });

  it('provisions the datasource and a dashboard that references only what is provisioned', () => {
    expect(ours).toMatchObject({ uid: 'mahavishnu-incidents', jsonData: { url: 'http://backend:8080' }, secureJsonData: { apiKey: '${MAHAVISHNU_READ_KEY}' } });
    expect(providers.providers[0].options.path).toBe('/etc/grafana/provisioning/dashboards');
    const uids = new Set(datasources.datasources.map((d: any) => d.uid));
    const refs: any[] = [];
    const walk = (v: any) => {
      if (v && typeof v === 'object') {
        if (v.datasource && typeof v.datasource === 'object' && v.datasource.uid && v.datasource.uid !== '-- Grafana --') {
          refs.push(v.datasource);
        }
        Object.values(v).forEach(walk);
      }
    };
    walk(dashboard);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(uids.has(ref.uid)).toBe(true);
      expect(datasources.datasources.find((d: any) => d.uid === ref.uid).type).toBe(ref.type);
    }
    expect(dashboard.panels.some((p: any) => p.type === panel.id)).toBe(true);
    expect(dashboard.annotations.list.some((a: any) => a.datasource?.uid === ours.uid && a.target.queryType === 'annotations')).toBe(true);
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('runs Grafana, the backend, Prometheus and Alertmanager in compose, wired to each other', () => {
    const compose = parse(read('docker-compose.yaml'));
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'backend', 'grafana', 'prometheus']);
    const unsigned = compose.services.grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',');
    expect(unsigned.sort()).toEqual([app.id, datasource.id, panel.id].sort());
    const prometheus = parse(read('docker/prometheus/prometheus.yml'));
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual(['backend:8080']);
    const alertmanager = parse(read('docker/alertmanager/alertmanager.yml'));
    expect(alertmanager.receivers[0].webhook_configs[0].url).toBe('http://backend:8080/api/v1/webhooks/alertmanager');
    for (const service of Object.values<any>(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const host = String(volume).split(':')[0];
        if (host.startsWith('./')) {
          expect(fs.existsSync(path.join(root, host))).toBe(true);
        }
      }
    }
  });

  it("gives the compose backend the keys Grafana and Alertmanager send, each with its role", () => {
    const compose = parse(read('docker-compose.yaml'));
    const backend = compose.services.backend;
    const config = parseConfig(parse(read('docker/backend/config.yaml')));
    const roles = Object.fromEntries(config.security.auth.keys.map((k) => [k.key_env, k.role]));
    expect(roles).toEqual({
      MAHAVISHNU_READ_KEY: 'viewer',
      MAHAVISHNU_RESPOND_KEY: 'responder',
      MAHAVISHNU_ADMIN_KEY: 'admin',
      MAHAVISHNU_ALERTMANAGER_KEY: 'source',
    });
    // Only the keys Grafana's proxy routes send may name the person; Alertmanager's may not.
    const proxies = Object.fromEntries(config.security.auth.keys.map((k) => [k.key_env, k.grafana_proxy]));
    expect(proxies).toEqual({ MAHAVISHNU_READ_KEY: true, MAHAVISHNU_RESPOND_KEY: true, MAHAVISHNU_ADMIN_KEY: true, MAHAVISHNU_ALERTMANAGER_KEY: false });
    expect(backend.environment.MAHAVISHNU_CONFIG).toBe('/etc/mahavishnu/config.yaml');
    for (const env of Object.keys(roles)) {
      expect(backend.environment[env]).toContain(`\${${env}:?`);
    }
    // Grafana holds the same three keys its proxy routes inject.
    const secure = apps.apps[0].secureJsonData;
    expect([secure.readKey, secure.respondKey, secure.adminKey]).toEqual(['${MAHAVISHNU_READ_KEY}', '${MAHAVISHNU_RESPOND_KEY}', '${MAHAVISHNU_ADMIN_KEY}']);
    const alertmanager = parse(read('docker/alertmanager/alertmanager.yml'));
    const file = alertmanager.receivers[0].webhook_configs[0].http_config.authorization.credentials_file;
    expect(file).toBe('/run/secrets/mahavishnu-alertmanager-key');
    expect(compose.secrets['mahavishnu-alertmanager-key']).toEqual({ environment: 'MAHAVISHNU_ALERTMANAGER_KEY' });
    expect(compose.services.alertmanager.secrets).toEqual(['mahavishnu-alertmanager-key']);
  });

  it('runs two replicas on one PostgreSQL in the compose override, each reachable where it advertises', () => {
    const base = parse(read('docker-compose.yaml'));
    const ha = parse(read('docker-compose.ha.yaml'));
    const replicas = Object.entries<any>(ha.services).filter(([name]) => name.startsWith('backend'));
    expect(replicas.map(([name]) => name)).toEqual(['backend', 'backend-2']);
    const ids = new Set<string>();
    for (const [name, service] of replicas) {
      // The override's environment is merged over the base service's (backend), or is the whole of it (backend-2).
      const env = { ...(name === 'backend' ? base.services.backend.environment : {}), ...service.environment };
      const config = parseConfig({ store: { kind: 'postgres', url: env.MAHAVISHNU_STORE_URL.replace('${MAHAVISHNU_PG_PASSWORD}', 'x') }, cluster: { advertise_url: env.MAHAVISHNU_ADVERTISE_URL } });
      expect(new URL(config.store.url!).host).toBe('postgres:5432');
      expect(config.cluster.advertise_url).toBe(`http://${name}:8080`);
      ids.add(env.MAHAVISHNU_REPLICA_ID);
      for (const key of ['MAHAVISHNU_READ_KEY', 'MAHAVISHNU_RESPOND_KEY', 'MAHAVISHNU_ADMIN_KEY', 'MAHAVISHNU_ALERTMANAGER_KEY', 'MAHAVISHNU_CONFIG']) {
        expect(env[key]).toBe(base.services.backend.environment[key]);
      }
      expect(service.depends_on.postgres.condition).toBe('service_healthy');
    }
    expect(ids.size).toBe(2);
    expect(ha.services.postgres.environment.POSTGRES_PASSWORD).toContain('${MAHAVISHNU_PG_PASSWORD:?');
  });
});
