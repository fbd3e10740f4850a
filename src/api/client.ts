import { MahavishnuClient } from '../../backend/src/client/client';
import pluginJson from '../plugin.json';

export { ApiError } from '../../backend/src/client/client';
export type { IncidentDetail, IncidentFilter } from '../../backend/src/client/client';

/**
 * The backend's calls that the plugin's pages make. Pages depend on this rather than on the class,
 * so a test hands them a small fake that implements just these.
 */
export type IncidentsApi = Pick<
  MahavishnuClient,
  | 'listIncidents'
  | 'getIncident'
  | 'acknowledge'
  | 'assign'
  | 'resolve'
  | 'close'
  | 'timeline'
  | 'runAction'
  | 'approveAction'
  | 'stats'
  | 'listRules'
  | 'createRule'
  | 'updateRule'
  | 'setRuleEnabled'
  | 'testRule'
  | 'listEvents'
>;

/**
 * Where the browser reaches the backend: Grafana's proxy for this app. Its routes in plugin.json forward
 * `api/v1/...` to the configured backend URL with the API key of the user's role, so no key reaches the browser.
 */
export function proxyUrl(origin: string = window.location.origin): string {
  return `${origin}/api/plugin-proxy/${pluginJson.id}`;
}

/** The backend's typed client, speaking through the app's proxy as the signed-in Grafana user. */
export function createPluginClient(): MahavishnuClient {
  return new MahavishnuClient({
    url: proxyUrl(),
    // Grafana authenticates proxy requests by its session cookie.
    fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
  });
}
