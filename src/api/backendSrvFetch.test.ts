import { of, throwError } from 'rxjs';
import { ApiError, createGrafanaClient } from './client';

const mockFetch = jest.fn();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: mockFetch }),
}));

const BASE = '/api/plugin-proxy/mahavishnu-incidents-app/api/v1';

beforeEach(() => {
  mockFetch.mockReset();
  mockFetch.mockReturnValue(of({ status: 200, data: [] }));
});

const call = () => mockFetch.mock.calls[0][0];

// The panel's client: BackendSrv at the app's proxy routes.
const api = createGrafanaClient();

describe('the panel API, through the app plugin proxy', () => {
  it('lists incidents with only the filters that are set', async () => {
    await api.listIncidents({ status: 'active', severity: undefined, component: '', limit: 100 });
    // BackendSrv writes the parameters into the URL's query, where 100 and '100' read the same.
    expect(call()).toMatchObject({
      url: `${BASE}/incidents`,
      method: 'GET',
      params: { status: 'active', limit: '100' },
    });
    expect(Object.keys(call().params)).toEqual(['status', 'limit']);
  });

  it('posts acknowledge, assign and resolve with the bodies of the contract', async () => {
    await api.acknowledge('inc_00123');
    await api.assign('inc_00123', 'john.doe');
    await api.resolve('inc_00123', 'Rolled back');
    await api.resolve('inc_00123');
    expect(mockFetch.mock.calls.map(([r]) => [r.method, r.url, r.data])).toEqual([
      ['POST', `${BASE}/incidents/inc_00123/acknowledge`, {}],
      ['POST', `${BASE}/incidents/inc_00123/assign`, { assignee: 'john.doe' }],
      ['POST', `${BASE}/incidents/inc_00123/resolve`, { notes: 'Rolled back' }],
      ['POST', `${BASE}/incidents/inc_00123/resolve`, {}],
    ]);
  });

  it('reads and runs remediation actions', async () => {
    await api.actions('inc_00123');
    await api.runAction('inc_00123', 'restart service', { approved_by: 'team.lead' });
    expect(mockFetch.mock.calls.map(([r]) => [r.method, r.url, r.data])).toEqual([
      ['GET', `${BASE}/incidents/inc_00123/actions`, undefined],
      ['POST', `${BASE}/incidents/inc_00123/actions/restart%20service`, { approved_by: 'team.lead' }],
    ]);
  });

  it("turns a refusal into an ApiError with the backend's message and status", async () => {
    mockFetch.mockReturnValue(
      throwError(() => ({
        status: 409,
        data: { error: { code: 'conflict', message: 'cannot acknowledge a resolved incident' } },
      }))
    );
    const err = await api.acknowledge('inc_00123').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ message: 'cannot acknowledge a resolved incident', status: 409 });
  });
});
