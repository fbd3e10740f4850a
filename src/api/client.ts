import { MahavishnuClient, type ClientOptions, type IncidentFilter } from '@mahavishnu/wire/client';
import pluginJson from '../plugin.json';
import { backendSrvFetch, type BackendSrvOptions } from './backendSrvFetch';

export { ApiError } from '@mahavishnu/wire/client';
export type { IncidentDetail, IncidentFilter } from '@mahavishnu/wire/client';

/**
 * The backend's calls that the app's pages and the panel make. They depend on this rather than on the
 * class, so a test hands them a small fake that implements just these. (The datasource asks only `query`
 * and `stats`, of a client it makes per request.)
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
  | 'actions'
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
 * The shared client, with the filters of a list that are left empty not sent: Grafana's option editors and
 * the pages' URL write an unset filter as `''`, which the backend would read as a filter that matches nothing.
 */
class PluginClient extends MahavishnuClient {
  override listIncidents(filters: IncidentFilter = {}) {
    return super.listIncidents(withoutEmpty(filters));
  }
}

/** `filters` without the ones that are unset or empty. */
export function withoutEmpty(filters: IncidentFilter): IncidentFilter {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''));
}

/**
 * Where the browser reaches the backend: Grafana's proxy for this app. Its routes in plugin.json forward
 * `api/v1/...` to the configured backend URL with the API key of the user's role, so no key reaches the browser.
 */
const APP_PROXY = `/api/plugin-proxy/${pluginJson.id}`;

export function proxyUrl(origin: string = window.location.origin): string {
  return `${origin}${APP_PROXY}`;
}

/** The app's `api/v1` proxy routes, which stand for the backend's `/api/v1`. */
export const APP_API_PATH = `${APP_PROXY}/api/v1`;

/** The client of the app's pages: the browser's fetch through the app's proxy, as the signed-in Grafana user. */
export function createPluginClient(): IncidentsApi {
  return new PluginClient({
    url: proxyUrl(),
    // Grafana authenticates proxy requests by its session cookie.
    fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }),
  });
}

/**
 * A client that speaks through Grafana's BackendSrv (backendSrvFetch.ts): the panel's, at the app's proxy
 * routes, and the datasource's, at its own `api` route (`apiPath`).
 */
export function createGrafanaClient(apiPath: string = APP_API_PATH, options: BackendSrvOptions = {}): MahavishnuClient {
  // The URL only completes the client's paths; backendSrvFetch sends them under apiPath, on Grafana's origin.
  return new PluginClient({ url: window.location.origin, fetch: backendSrvFetch(apiPath, options) });
}

/**
 * A client straight to the backend at `options.url`, with the browser's fetch: the standalone pages', which
 * the backend serves itself, with the tab's API key or acting as the standalone user.
 */
export function createDirectClient(options: ClientOptions): IncidentsApi {
  return new PluginClient(options);
}
