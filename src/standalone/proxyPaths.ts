import appPluginJson from '../plugin.json';

/*
 * Inside Grafana, the browser reaches the backend through Grafana's proxies, which add the API key
 * (plugin.json routes). The standalone pages are served by the backend itself, so the host maps each
 * proxy path to the backend's own API, as the routes would.
 */

/** The app's `api/v1/...` proxy routes: `/api/plugin-proxy/<app id>/api/v1/x` -> `/api/v1/x`. */
const APP_PROXY = `/api/plugin-proxy/${appPluginJson.id}/api/v1/`;

/** The datasource's `api` route: `/api/datasources/proxy/uid/<uid>/api/x` -> `/api/v1/x`. */
const DATASOURCE_PROXY = /^\/api\/datasources\/proxy\/uid\/[^/]+\/api\//;

/** The backend path a Grafana proxy path stands for; any other path unchanged. */
export function toBackendPath(url: string): string {
  const origin = window.location.origin;
  const path = url.startsWith(origin) ? url.slice(origin.length) : url;
  if (path.startsWith(APP_PROXY)) {
    return `/api/v1/${path.slice(APP_PROXY.length)}`;
  }
  return path.replace(DATASOURCE_PROXY, '/api/v1/');
}
