import { PluginType, type DataSourceInstanceSettings } from '@grafana/data';
import { IncidentsDataSource } from '../../datasources/incidents/datasource';
import datasourcePluginJson from '../../datasources/incidents/plugin.json';
import type { IncidentsOptions } from '../../datasources/incidents/types';

/**
 * The Mahavishnu datasource of `uid` as Grafana would hand it to a dashboard: its proxy URL under the
 * uid (which the host's BackendSrv maps to the backend that serves these pages).
 */
export function createIncidentsDataSource(uid: string): IncidentsDataSource {
  const settings: DataSourceInstanceSettings<IncidentsOptions> = {
    // Deprecated but still required by the type.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    id: 1,
    uid,
    name: datasourcePluginJson.name,
    type: datasourcePluginJson.id,
    access: 'proxy',
    url: `/api/datasources/proxy/uid/${uid}`,
    jsonData: { url: window.location.origin },
    readOnly: true,
    meta: {
      id: datasourcePluginJson.id,
      name: datasourcePluginJson.name,
      type: PluginType.datasource,
      info: {
        author: { name: 'Mahavishnu' },
        description: '',
        links: [],
        logos: { small: '', large: '' },
        screenshots: [],
        updated: '',
        version: '',
      },
      module: '',
      baseUrl: '',
    },
  };
  return new IncidentsDataSource(settings);
}
