import {
  DataSourceApi,
  getDefaultTimeRange,
  type AnnotationSupport,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type LegacyMetricFindQueryOptions,
  type MetricFindValue,
  type TestDataSourceResponse,
  type TimeRange,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { defer, lastValueFrom, map, Observable, of } from 'rxjs';
import { createGrafanaClient } from '../../api/client';
import type { BackendSrvOptions } from '../../api/backendSrvFetch';
import { AnnotationEditor } from './components/AnnotationEditor';
import {
  fetchErrorMessage,
  framesOf,
  singleValue,
  statusOf,
  toAnnotationEvents,
  toBackendQuery,
  toDataQueryResponse,
  toMetricFindValues,
  type BackendQuery,
  type BackendResponse,
} from './request';
import {
  DEFAULT_QUERY,
  VARIABLES,
  type IncidentsOptions,
  type IncidentsQuery,
  type IncidentsVariableQuery,
  type VariableName,
} from './types';

/**
 * The Mahavishnu datasource: every query goes to the backend's `POST /api/v1/query` through the
 * `api` proxy route of plugin.json (which adds the API key and stands for the backend's `/api/v1`),
 * with the plugin's one client, and comes back as data frames.
 */
export class IncidentsDataSource extends DataSourceApi<IncidentsQuery, IncidentsOptions> {
  /** Grafana's datasource proxy for this instance (`/api/datasources/proxy/uid/<uid>`). */
  private readonly proxyUrl: string;
  private readonly backendUrl: string;

  annotations: AnnotationSupport<IncidentsQuery> = {
    prepareQuery: (anno) => ({ ...anno.target, refId: anno.target?.refId || 'Anno', queryType: 'annotations' }),
    processEvents: (_anno, frames) => of(toAnnotationEvents(frames)),
    getDefaultQuery: () => ({ queryType: 'annotations' }),
    QueryEditor: AnnotationEditor,
  };

  constructor(instanceSettings: DataSourceInstanceSettings<IncidentsOptions>) {
    super(instanceSettings);
    this.proxyUrl = instanceSettings.url ?? '';
    this.backendUrl = instanceSettings.jsonData.url ?? '';
  }

  getDefaultQuery(): Partial<IncidentsQuery> {
    return DEFAULT_QUERY;
  }

  query(request: DataQueryRequest<IncidentsQuery>): Observable<DataQueryResponse> {
    // defer: a filter that cannot be read (a bucket of "5x") fails the observable, not the caller.
    return defer(() => {
      const interpolate = (text: string) => getTemplateSrv().replace(text, request.scopedVars, singleValue);
      const queries = request.targets.filter((q) => !q.hide).map((q) => toBackendQuery(q, interpolate));
      if (!queries.length) {
        return of<DataQueryResponse>({ data: [] });
      }
      return this.post(request.range, queries, request.requestId).pipe(
        map((answer) =>
          toDataQueryResponse(
            answer,
            queries.map((q) => q.refId)
          )
        )
      );
    });
  }

  /** Options of a template variable: `components`, `rules` or `severities`. */
  async metricFindQuery(
    query: IncidentsVariableQuery,
    options?: LegacyMetricFindQueryOptions
  ): Promise<MetricFindValue[]> {
    const name =
      typeof query === 'string' ? getTemplateSrv().replace(query.trim(), options?.scopedVars) : query?.variable;
    if (!isVariableName(name)) {
      throw new Error(`A variable lists one of ${VARIABLES.join(', ')}, not "${name ?? ''}"`);
    }
    const refId = 'variable';
    const answer = await lastValueFrom(
      this.post(options?.range ?? getDefaultTimeRange(), [{ refId, queryType: 'variables', variable: name }])
    );
    return toMetricFindValues(framesOf(answer, refId));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    if (!this.backendUrl) {
      return { status: 'error', message: 'Set the URL of the Mahavishnu backend' };
    }
    try {
      const stats = await this.client().stats();
      return {
        status: 'success',
        message: `Connected to the Mahavishnu backend: ${stats.total_incidents} incidents, ${stats.active_incidents} active`,
      };
    } catch (err) {
      return { status: 'error', message: `Cannot read from the Mahavishnu backend: ${fetchErrorMessage(err)}` };
    }
  }

  /** The client at this instance's `api` route. */
  private client(options?: BackendSrvOptions) {
    return createGrafanaClient(`${this.proxyUrl}/api`, options);
  }

  /** Asks when subscribed; unsubscribing cancels the request, as it would Grafana's own fetch. */
  private post(range: TimeRange, queries: BackendQuery[], requestId?: string): Observable<BackendResponse> {
    const body = { range: { from: range.from.valueOf(), to: range.to.valueOf() }, queries };
    return new Observable<BackendResponse>((subscriber) => {
      const abort = new AbortController();
      this.client({ requestId, signal: abort.signal })
        .query(body)
        .then(
          (answer) => {
            subscriber.next(answer);
            subscriber.complete();
          },
          (err) => subscriber.error(toQueryError(err))
        );
      return () => abort.abort();
    });
  }
}

function isVariableName(name: unknown): name is VariableName {
  return VARIABLES.includes(name as VariableName);
}

function toQueryError(err: unknown): DataQueryError {
  return { message: fetchErrorMessage(err), status: statusOf(err) };
}
