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
import { getBackendSrv, getTemplateSrv } from '@grafana/runtime';
import { catchError, defer, lastValueFrom, map, of, throwError, type Observable } from 'rxjs';
import { AnnotationEditor } from './components/AnnotationEditor';
import {
  fetchErrorMessage,
  framesOf,
  singleValue,
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

/** The totals of `GET /api/v1/stats` that the connection test reports. */
interface StatsAnswer {
  total_incidents: number;
  active_incidents: number;
}

/**
 * The Mahavishnu datasource: every query goes to the backend's `POST /api/v1/query` through the
 * `api` proxy route of plugin.json (which adds the API key), and comes back as data frames.
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
      const { data } = await lastValueFrom(
        getBackendSrv().fetch<StatsAnswer>({ url: `${this.proxyUrl}/api/stats`, method: 'GET', showErrorAlert: false })
      );
      return {
        status: 'success',
        message: `Connected to the Mahavishnu backend: ${data.total_incidents} incidents, ${data.active_incidents} active`,
      };
    } catch (err) {
      return { status: 'error', message: `Cannot read from the Mahavishnu backend: ${fetchErrorMessage(err)}` };
    }
  }

  private post(range: TimeRange, queries: BackendQuery[], requestId?: string): Observable<BackendResponse> {
    return getBackendSrv()
      .fetch<BackendResponse>({
        url: `${this.proxyUrl}/api/query`,
        method: 'POST',
        data: { range: { from: range.from.valueOf(), to: range.to.valueOf() }, queries },
        requestId,
        showErrorAlert: false,
      })
      .pipe(
        map((response) => response.data),
        catchError((err) => throwError(() => toQueryError(err)))
      );
  }
}

function isVariableName(name: unknown): name is VariableName {
  return VARIABLES.includes(name as VariableName);
}

function toQueryError(err: unknown): DataQueryError {
  const status = (err as { status?: number } | undefined)?.status;
  return { message: fetchErrorMessage(err), status };
}
