import type { DsQueryOf } from '@mahavishnu/wire/datasource';
import {
  INCIDENT_STATUSES,
  INCIDENT_TYPES,
  METRICS,
  SEVERITIES,
  VARIABLES,
  type FilterName,
  type QueryType,
} from './types';

/** How the editors show a query type, and which filters the backend reads for it. */
export interface QueryTypeInfo {
  label: string;
  description: string;
  filters: readonly FilterName[];
}

/** The filters the backend reads for a query type, by their names in the query model (its bucket is `interval`). */
type WireFilters<T extends QueryType> =
  | Exclude<keyof DsQueryOf<T>, 'refId' | 'queryType' | 'intervalMs'>
  | ('intervalMs' extends keyof DsQueryOf<T> ? 'interval' : never);

/**
 * One table for the query editor and for the request body: a filter not listed for a type is not sent,
 * and the wire type of each query type says which filters may be listed.
 */
export const QUERY_TYPE_INFO: Record<QueryType, QueryTypeInfo> = {
  incidents: {
    label: 'Incidents',
    description: 'A table of incidents detected in the range, newest first; status "active" lists every open one',
    filters: ['status', 'severity', 'type', 'component', 'limit'],
  },
  stats: { label: 'Stats', description: 'One row of totals, MTTD and MTTR since the start of the range', filters: [] },
  timeseries: {
    label: 'Time series',
    description: 'Incidents per bucket by severity, or the average MTTD or MTTR',
    filters: ['metric', 'interval', 'type', 'component'],
  },
  events: {
    label: 'Events',
    description: 'Stored events in the range, newest first',
    filters: ['source', 'event_type', 'limit'],
  },
  timeline: {
    label: 'Timeline',
    description: "One incident's events and lifecycle entries",
    filters: ['incident_id', 'limit'],
  },
  rules: { label: 'Rules', description: 'The detection rules', filters: [] },
  components: { label: 'Components', description: 'Health of each affected component', filters: [] },
  annotations: {
    label: 'Annotations',
    description: 'Incidents as regions from detection to resolution',
    filters: ['severity', 'type', 'component'],
  },
  variables: { label: 'Variable values', description: 'Components, rules or severities', filters: ['variable'] },
} satisfies { [T in QueryType]: QueryTypeInfo & { filters: ReadonlyArray<WireFilters<T>> } };

/** How the editor shows one filter: a choice of `options` (variables allowed too), a number or free text. */
export interface FilterInfo {
  label: string;
  tooltip: string;
  options?: readonly string[];
  numeric?: boolean;
  placeholder?: string;
}

export const FILTER_INFO: Record<FilterName, FilterInfo> = {
  status: {
    label: 'Status',
    tooltip: 'A status, or "active" for neither resolved nor closed',
    options: ['active', ...INCIDENT_STATUSES],
  },
  severity: { label: 'Severity', tooltip: 'Only incidents of this severity', options: SEVERITIES },
  type: { label: 'Type', tooltip: 'Only incidents of this type', options: INCIDENT_TYPES },
  component: { label: 'Component', tooltip: 'Only incidents affecting this component', placeholder: 'any' },
  limit: { label: 'Limit', tooltip: 'At most this many rows', numeric: true, placeholder: 'default' },
  metric: { label: 'Metric', tooltip: 'Count by severity, or average MTTD / MTTR in seconds', options: METRICS },
  interval: { label: 'Bucket', tooltip: 'Bucket width such as 5m or 1h', placeholder: 'auto (range / 50)' },
  source: { label: 'Source', tooltip: 'Only events from this source', placeholder: 'any' },
  event_type: { label: 'Event type', tooltip: 'Only events of this type', placeholder: 'any' },
  incident_id: {
    label: 'Incident ID',
    tooltip: 'The incident whose timeline to show',
    placeholder: 'inc_00123 or $incident',
  },
  variable: { label: 'Values of', tooltip: 'What the variable lists', options: VARIABLES },
};
