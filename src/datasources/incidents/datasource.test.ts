import {
  dateTime,
  type AnnotationQuery,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
} from '@grafana/data';
import { lastValueFrom, NEVER, of, throwError } from 'rxjs';
import { IncidentsDataSource } from './datasource';
import type { BackendRequest, BackendResponse } from './request';
import { annotationsFrame, answer, HOUR, incidentsFrame, MIN, T0, variableFrame } from '../../testing/testFrames';
import type { IncidentsOptions, IncidentsQuery } from './types';

const mockFetch = jest.fn();

/** The dashboard's variables; a function `format` is applied as Grafana's templateSrv does. */
const mockVariables: Record<string, string | string[]> = {
  component: 'api',
  severity: 'critical',
  incident: 'inc_00123',
  allComponents: ['api', 'db', 'web'],
};

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: mockFetch }),
  getTemplateSrv: () => ({
    replace: (text = '', _scopedVars?: unknown, format?: (value: unknown) => string) =>
      text.replace(/\$(\w+)/g, (whole, name: string) =>
        name in mockVariables ? (format ? format(mockVariables[name]) : String(mockVariables[name])) : whole
      ),
  }),
}));

const PROXY = '/api/datasources/proxy/uid/mahavishnu-incidents';

function dataSource(jsonData: IncidentsOptions = { url: 'http://backend:8080' }): IncidentsDataSource {
  return new IncidentsDataSource({
    uid: 'mahavishnu-incidents',
    type: 'mahavishnu-incidents-datasource',
    name: 'Mahavishnu Incidents',
    url: PROXY,
    jsonData,
  } as DataSourceInstanceSettings<IncidentsOptions>);
}

function request(targets: IncidentsQuery[]): DataQueryRequest<IncidentsQuery> {
  const range = { from: dateTime(T0), to: dateTime(T0 + HOUR), raw: { from: 'now-1h', to: 'now' } };
  return {
    targets,
    range,
    requestId: 'Q1',
    scopedVars: {},
    interval: '1m',
    intervalMs: MIN,
    timezone: 'utc',
    app: 'dashboard',
    startTime: T0,
  } as DataQueryRequest<IncidentsQuery>;
}

/** The backend answers `body` to every POST; the test reads what was posted. */
function backendAnswers(body: BackendResponse) {
  mockFetch.mockReturnValue(of({ data: body, status: 200 }));
}

function posted(): { url: string; method: string; data: BackendRequest } {
  expect(mockFetch).toHaveBeenCalledTimes(1);
  return mockFetch.mock.calls[0][0];
}

beforeEach(() => mockFetch.mockReset());

describe('query', () => {
  it("posts each query type with the dashboard's range, only that type's filters and variables resolved", async () => {
    backendAnswers(answer({}));
    const targets: IncidentsQuery[] = [
      {
        refId: 'A',
        queryType: 'incidents',
        status: 'active',
        severity: '$severity',
        component: '$component',
        limit: 20,
        metric: 'mttr',
      },
      { refId: 'B', queryType: 'stats', component: 'ignored' },
      { refId: 'C', queryType: 'timeseries', metric: 'mttr', interval: '10m', component: '$allComponents' },
      { refId: 'D', queryType: 'events', source: 'api_gateway', event_type: '', limit: 50 },
      { refId: 'E', queryType: 'timeline', incident_id: '$incident' },
      { refId: 'F', queryType: 'rules' },
      { refId: 'G', queryType: 'components' },
      { refId: 'H', queryType: 'annotations', severity: 'high', type: 'error_burst' },
      { refId: 'I', queryType: 'variables', variable: 'rules' },
      { refId: 'J', queryType: 'stats', hide: true },
    ];

    await lastValueFrom(dataSource().query(request(targets)));

    const { url, method, data } = posted();
    expect(url).toBe(`${PROXY}/api/query`);
    expect(method).toBe('POST');
    expect(data).toEqual({
      range: { from: T0, to: T0 + HOUR },
      queries: [
        { refId: 'A', queryType: 'incidents', status: 'active', severity: 'critical', component: 'api', limit: 20 },
        { refId: 'B', queryType: 'stats' },
        // "All" of a variable is no filter: the backend filters by one component.
        { refId: 'C', queryType: 'timeseries', metric: 'mttr', intervalMs: 10 * MIN },
        { refId: 'D', queryType: 'events', source: 'api_gateway', limit: 50 },
        { refId: 'E', queryType: 'timeline', incident_id: 'inc_00123' },
        { refId: 'F', queryType: 'rules' },
        { refId: 'G', queryType: 'components' },
        { refId: 'H', queryType: 'annotations', severity: 'high', type: 'error_burst' },
        { refId: 'I', queryType: 'variables', variable: 'rules' },
      ],
    });
  });

  it("answers the backend's frames as Grafana frames on their refIds, and a failed query's error on its own", async () => {
    backendAnswers(
      answer({
        A: { frames: [incidentsFrame('A')] },
        B: { error: 'incident INC-nope not found', status: 404, frames: [] },
      })
    );
    const res: DataQueryResponse = await lastValueFrom(
      dataSource().query(
        request([
          { refId: 'A', queryType: 'incidents', status: 'active' },
          { refId: 'B', queryType: 'timeline', incident_id: 'INC-nope' },
        ])
      )
    );

    expect(res.data).toHaveLength(1);
    const [frame] = res.data;
    expect(frame.refId).toBe('A');
    expect(frame.length).toBe(2);
    expect(frame.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
      'detected_at:time',
      'incident_id:string',
      'title:string',
      'incident_type:string',
      'severity:string',
      'status:string',
      'affected_components:string',
      'event_count:number',
      'assigned_to:string',
      'mttd:number',
      'mttr:number',
      'resolved_at:time',
    ]);
    expect(frame.fields[1].values).toEqual(['INC-2', 'INC-1']);
    expect(frame.fields[0].values).toEqual([T0 + 7 * MIN, T0 + 5 * MIN]);
    expect(res.errors).toEqual([{ refId: 'B', message: 'incident INC-nope not found', status: 404 }]);
  });

  it("fails with the backend's message when it refuses the request", async () => {
    mockFetch.mockReturnValue(
      throwError(() => ({
        status: 400,
        data: {
          error: { code: 'validation', message: 'body.queries[0].incident_id: a timeline query needs incident_id' },
        },
      }))
    );
    await expect(lastValueFrom(dataSource().query(request([{ refId: 'A', queryType: 'timeline' }])))).rejects.toEqual({
      message: 'body.queries[0].incident_id: a timeline query needs incident_id (400)',
      status: 400,
    });
  });

  it('cancels the request when Grafana stops listening', () => {
    mockFetch.mockReturnValue(NEVER);
    const subscription = dataSource()
      .query(request([{ refId: 'A', queryType: 'stats' }]))
      .subscribe();
    const { abortSignal } = mockFetch.mock.calls[0][0] as { abortSignal: AbortSignal };
    expect(abortSignal.aborted).toBe(false);
    subscription.unsubscribe();
    expect(abortSignal.aborted).toBe(true);
  });

  it('sends nothing when every query is hidden', async () => {
    const res = await lastValueFrom(dataSource().query(request([{ refId: 'A', queryType: 'stats', hide: true }])));
    expect(res.data).toEqual([]);
    expect(mockFetch).not.toHaveBeenCalled();
  });
});

describe('annotations', () => {
  it('runs the stored target as an annotations query and maps incidents to regions', async () => {
    const ds = dataSource();
    const anno = {
      name: 'Incidents',
      enable: true,
      iconColor: 'red',
      target: { refId: 'Anno', queryType: 'annotations', component: '$component' },
    } as AnnotationQuery<IncidentsQuery>;
    const query = ds.annotations.prepareQuery!(anno)!;
    expect(query).toEqual({ refId: 'Anno', queryType: 'annotations', component: '$component' });

    backendAnswers(answer({ Anno: { frames: [annotationsFrame('Anno')] } }));
    const res = await lastValueFrom(ds.query(request([query])));
    expect(posted().data.queries).toEqual([{ refId: 'Anno', queryType: 'annotations', component: 'api' }]);

    const events = await lastValueFrom(ds.annotations.processEvents!(anno, res.data));
    expect(events).toEqual([
      {
        id: 'INC-before',
        time: T0 - HOUR,
        timeEnd: T0 + HOUR,
        isRegion: true,
        title: 'Incident INC-before',
        text: 'INC-before: critical error_burst, detected; components: db',
        tags: ['critical', 'error_burst'],
        color: '#F2495C',
      },
      {
        id: 'INC-1',
        time: T0 + 5 * MIN,
        timeEnd: T0 + 20 * MIN,
        isRegion: true,
        title: 'Incident INC-1',
        text: 'INC-1: critical error_burst, resolved; components: api, db',
        tags: ['critical', 'error_burst'],
        color: '#F2495C',
      },
    ]);
  });

  it('makes an annotations query of a new annotation without a target', () => {
    const query = dataSource().annotations.prepareQuery!({
      name: 'Incidents',
      enable: true,
      iconColor: 'red',
    } as AnnotationQuery<IncidentsQuery>);
    expect(query).toEqual({ refId: 'Anno', queryType: 'annotations' });
  });
});

describe('metricFindQuery', () => {
  const range = { from: dateTime(T0), to: dateTime(T0 + HOUR), raw: { from: 'now-1h', to: 'now' } };

  it("answers the variable's options from the stored query of a provisioned dashboard", async () => {
    backendAnswers(
      answer({
        variable: {
          frames: [
            variableFrame('variable', [
              ['Error Burst Detection', 'error_burst'],
              ['Service Down', 'service_down'],
            ]),
          ],
        },
      })
    );

    const values = await dataSource().metricFindQuery({ variable: 'rules' }, { range });

    expect(posted().data).toEqual({
      range: { from: T0, to: T0 + HOUR },
      queries: [{ refId: 'variable', queryType: 'variables', variable: 'rules' }],
    });
    expect(values).toEqual([
      { text: 'Error Burst Detection', value: 'error_burst' },
      { text: 'Service Down', value: 'service_down' },
    ]);
  });

  it('reads the name typed in the legacy variable editor', async () => {
    backendAnswers(
      answer({
        variable: {
          frames: [
            variableFrame('variable', [
              ['api', 'api'],
              ['db', 'db'],
            ]),
          ],
        },
      })
    );
    expect(await dataSource().metricFindQuery(' components ', { range })).toEqual([
      { text: 'api', value: 'api' },
      { text: 'db', value: 'db' },
    ]);
    expect((posted().data.queries[0] as { variable?: string }).variable).toBe('components');
  });

  it('refuses what the backend cannot list, without asking it', async () => {
    await expect(dataSource().metricFindQuery('hosts')).rejects.toThrow(
      'A variable lists one of components, rules, severities, not "hosts"'
    );
    expect(mockFetch).not.toHaveBeenCalled();
  });
});

describe('testDatasource', () => {
  it('reads the stats through the proxy and reports the totals', async () => {
    mockFetch.mockReturnValue(
      of({ status: 200, data: { total_incidents: 12, active_incidents: 3, resolved_incidents: 9 } })
    );

    const result = await dataSource().testDatasource();

    expect(mockFetch).toHaveBeenCalledWith(expect.objectContaining({ url: `${PROXY}/api/stats`, method: 'GET' }));
    expect(result).toEqual({
      status: 'success',
      message: 'Connected to the Mahavishnu backend: 12 incidents, 3 active',
    });
  });

  it('reports a refused API key', async () => {
    mockFetch.mockReturnValue(
      throwError(() => ({ status: 401, data: { error: { code: 'unauthorized', message: 'invalid API key' } } }))
    );
    expect(await dataSource().testDatasource()).toEqual({
      status: 'error',
      message: 'Cannot read from the Mahavishnu backend: invalid API key (401: check the API key)',
    });
  });

  it("reports Grafana's proxy error when the backend cannot be reached", async () => {
    mockFetch.mockReturnValue(throwError(() => ({ status: 502, data: { message: 'Bad Gateway' } })));
    expect(await dataSource().testDatasource()).toEqual({
      status: 'error',
      message: 'Cannot read from the Mahavishnu backend: Bad Gateway (502)',
    });
  });

  it('asks for the URL before trying', async () => {
    expect(await dataSource({}).testDatasource()).toEqual({
      status: 'error',
      message: 'Set the URL of the Mahavishnu backend',
    });
    expect(mockFetch).not.toHaveBeenCalled();
  });
});
