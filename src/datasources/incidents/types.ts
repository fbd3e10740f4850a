import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import type { DsQuery, DsQueryOf } from '@mahavishnu/wire/datasource';
import { INCIDENT_STATUSES, INCIDENT_TYPES } from '@mahavishnu/wire/vocabulary';
import { SEVERITIES } from '../../components/common/vocabulary';

/*
 * The enum values come from the backend's zod-free vocabulary. The query types and their enums are
 * the backend's datasource schema's (`import type` only: its zod schemas stay out of the bundle); the
 * lists below are their values for the editors, checked against those types (and the query types
 * listed once, in queryTypes.ts's table).
 */

/** The query types of the backend's `POST /api/v1/query`: each answers its own frames. */
export type QueryType = DsQuery['queryType'];

/** Severities worst first, as lists show them (the plugin's one list). */
export { SEVERITIES };

export { INCIDENT_STATUSES };

export { INCIDENT_TYPES };

export const METRICS = ['count', 'mttd', 'mttr'] as const satisfies ReadonlyArray<DsQueryOf<'timeseries'>['metric']>;

/** What a dashboard variable can list. */
export type VariableName = DsQueryOf<'variables'>['variable'];
export const VARIABLES = ['components', 'rules', 'severities'] as const satisfies readonly VariableName[];

/**
 * A query of a panel, an annotation or a variable. The filters are strings so that they can hold
 * dashboard variables (`$component`); only the filters of the query's type are sent.
 */
export interface IncidentsQuery extends DataQuery {
  queryType: QueryType;
  status?: string;
  severity?: string;
  type?: string;
  component?: string;
  limit?: number;
  metric?: string;
  /** The bucket width of a time series as Grafana writes intervals (`5m`); unset: the range / 50. */
  interval?: string;
  source?: string;
  event_type?: string;
  incident_id?: string;
  variable?: VariableName;
}

/** The filters a query can carry: every key of the query model that is neither Grafana's nor the type. */
export type FilterName = Exclude<keyof IncidentsQuery, keyof DataQuery>;

export const DEFAULT_QUERY: Partial<IncidentsQuery> = { queryType: 'incidents', status: 'active' };

/**
 * A template variable's query: the stored object of a provisioned dashboard
 * (`{queryType: 'variables', variable: 'components'}`) or the text of the legacy variable editor.
 */
export type IncidentsVariableQuery = string | Pick<IncidentsQuery, 'variable'>;

/** The datasource's settings; the backend URL is read by the `api` proxy route of plugin.json. */
export interface IncidentsOptions extends DataSourceJsonData {
  url?: string;
}

/** Kept encrypted by Grafana and only injected by the proxy route; the browser sees `secureJsonFields.apiKey`. */
export interface IncidentsSecureJsonData {
  apiKey?: string;
}
