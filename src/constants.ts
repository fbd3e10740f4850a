import pluginJson from './plugin.json';

export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

export enum ROUTES {
  Overview = 'overview',
  Incidents = 'incidents',
  Incident = 'incidents/:id',
  Rules = 'rules',
}

/** The app's page of one incident. */
export function incidentUrl(id: string): string {
  return `${PLUGIN_BASE_URL}/${ROUTES.Incidents}/${encodeURIComponent(id)}`;
}
