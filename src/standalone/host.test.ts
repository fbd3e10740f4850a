import { toBackendPath } from './proxyPaths';
import { AllValuesTemplateSrv } from './templateSrv';
import { currentNav, NAV } from './nav';

describe('the standalone host', () => {
  test("maps Grafana's proxy paths to the backend's API, as plugin.json's routes do", () => {
    expect(toBackendPath('/api/plugin-proxy/mahavishnu-incidents-app/api/v1/incidents?status=active')).toBe(
      '/api/v1/incidents?status=active'
    );
    expect(toBackendPath(`${window.location.origin}/api/plugin-proxy/mahavishnu-incidents-app/api/v1/stats`)).toBe(
      '/api/v1/stats'
    );
    expect(toBackendPath('/api/datasources/proxy/uid/mahavishnu-incidents/api/query')).toBe('/api/v1/query');
    expect(toBackendPath('/api/v1/rules')).toBe('/api/v1/rules');
    // Another app's proxy is not ours to map.
    expect(toBackendPath('/api/plugin-proxy/other-app/api/v1/x')).toBe('/api/plugin-proxy/other-app/api/v1/x');
  });

  test('reads every dashboard variable as "All" (no filter) and keeps scoped values', () => {
    const srv = new AllValuesTemplateSrv();
    expect(srv.replace('$component')).toBe('');
    expect(srv.replace('svc-${component}-x')).toBe('svc--x');
    expect(srv.replace('$__interval_ms', { __interval_ms: { text: '60000', value: 60000 } })).toBe('60000');
    expect(srv.containsTemplate('api')).toBe(false);
    expect(srv.containsTemplate('$component')).toBe(true);
  });

  test("navigates the app's pages of plugin.json and the provisioned dashboard", () => {
    expect(NAV.map((item) => item.text)).toEqual(['Overview', 'Incidents', 'Rules', 'Incident Response']);
    expect(currentNav('/a/mahavishnu-incidents-app/incidents/inc_00001')?.text).toBe('Incidents');
    expect(currentNav('/d/mahavishnu-incident-response')?.text).toBe('Incident Response');
    expect(currentNav('/elsewhere')).toBeUndefined();
  });
});
