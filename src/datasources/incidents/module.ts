import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { IncidentsDataSource } from './datasource';
import type { IncidentsOptions, IncidentsQuery, IncidentsSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<
  IncidentsDataSource,
  IncidentsQuery,
  IncidentsOptions,
  IncidentsSecureJsonData
>(IncidentsDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
