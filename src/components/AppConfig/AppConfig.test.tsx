import React from 'react';
import { of } from 'rxjs';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import { setBackendSrv, type BackendSrv } from '@grafana/runtime';
import { ApiError } from '../../api/client';
import { ClientProvider } from '../../api/context';
import { FakeClient, makeStats } from '../../testing/fakeClient';
import AppConfig, { AppConfigProps } from './AppConfig';
import { testIds } from 'components/testIds';

describe('Components/AppConfig', () => {
  const renderWithMeta = (meta: Partial<AppConfigProps['plugin']['meta']>, client = new FakeClient()) => {
    const plugin = {
      meta: {
        id: 'mahavishnu-incidents-app',
        name: 'Incident Response',
        type: PluginType.app,
        enabled: true,
        jsonData: {},
        ...meta,
      },
    };

    return render(
      <ClientProvider client={client}>
        {/* @ts-ignore - We don't need to provide `addConfigPage()` and `setChannelSupport()` for these tests */}
        <AppConfig plugin={plugin} query={{}} />
      </ClientProvider>
    );
  };

  beforeEach(() => {
    jest.resetAllMocks();
  });

  test('renders the backend URL with its default and the three API keys, empty', () => {
    renderWithMeta({ enabled: false });

    expect(screen.getByRole('group', { name: /mahavishnu backend/i })).toBeInTheDocument();
    expect(screen.getByLabelText(/backend url/i)).toHaveValue('http://127.0.0.1:8080');
    for (const [label, testId] of [
      [/^read key/i, testIds.appConfig.readKey],
      [/^respond key/i, testIds.appConfig.respondKey],
      [/^admin key/i, testIds.appConfig.adminKey],
    ] as const) {
      expect(screen.getByLabelText(label)).toHaveValue('');
      expect(screen.getByTestId(testId)).toHaveAttribute('type', 'password');
    }
    expect(screen.getByRole('button', { name: /save settings/i })).toBeEnabled();
  });

  test('shows the saved keys as configured, never their values, each with a Reset', () => {
    const { container } = renderWithMeta({
      jsonData: { apiUrl: 'http://backend:8080' },
      secureJsonFields: { readKey: true, adminKey: true },
      // Grafana never sends these to the browser; were it to, the page would still not show them.
      secureJsonData: { readKey: 'sk-read-secret', adminKey: 'sk-admin-secret' },
    });

    expect(screen.getByLabelText(/backend url/i)).toHaveValue('http://backend:8080');
    expect(screen.getByLabelText(/^read key/i)).toHaveValue('configured');
    expect(screen.getByLabelText(/^read key/i)).toBeDisabled();
    expect(screen.getByLabelText(/^admin key/i)).toHaveValue('configured');
    expect(screen.getByLabelText(/^respond key/i)).toHaveValue('');
    expect(screen.getAllByRole('button', { name: /reset/i })).toHaveLength(2);
    expect(container.innerHTML).not.toMatch(/sk-(read|admin)-secret/);
  });

  describe('saving', () => {
    const location = window.location;
    const reload = jest.fn();

    // The page reloads after saving, which jsdom cannot do: it gets a location whose reload is a spy.
    beforeEach(() => {
      // @ts-ignore - jsdom lets a test replace window.location once it is deleted
      delete window.location;
      Object.defineProperty(window, 'location', { configurable: true, value: { ...location, reload } });
    });
    afterEach(() => {
      Object.defineProperty(window, 'location', { configurable: true, value: location });
    });

    test('saves the URL and only the keys typed or reset, leaving the saved ones alone', async () => {
      const fetch = jest.fn().mockReturnValue(of({ data: {} }));
      setBackendSrv({ fetch } as unknown as BackendSrv);
      renderWithMeta({
        jsonData: { apiUrl: 'http://backend:8080' },
        secureJsonFields: { readKey: true, adminKey: true },
      });

      fireEvent.change(screen.getByLabelText(/^respond key/i), { target: { value: ' k-respond ' } });
      fireEvent.click(screen.getAllByRole('button', { name: /reset/i })[1]);
      fireEvent.click(screen.getByRole('button', { name: /save settings/i }));

      expect(fetch).toHaveBeenCalledTimes(1);
      expect(fetch.mock.calls[0][0]).toMatchObject({
        url: '/api/plugins/mahavishnu-incidents-app/settings',
        method: 'POST',
        data: {
          jsonData: { apiUrl: 'http://backend:8080' },
          secureJsonData: { respondKey: 'k-respond', adminKey: '' },
        },
      });
      expect(fetch.mock.calls[0][0].data.secureJsonData).not.toHaveProperty('readKey');
      await waitFor(() => expect(reload).toHaveBeenCalled());
    });
  });

  test('tests the connection through the proxy and shows what the backend said', async () => {
    const client = new FakeClient({ stats: makeStats({ total_incidents: 3, active_incidents: 1 }) });
    renderWithMeta({}, client);

    fireEvent.click(screen.getByRole('button', { name: /test connection/i }));

    expect(await screen.findByText('3 incidents, 1 active.')).toBeInTheDocument();
    expect(client.callsOf('stats')).toEqual([[undefined]]);
  });

  test('shows why the connection failed', async () => {
    const client = new FakeClient();
    client.failNext('stats', new ApiError(502, 'http_502', '{"message":"Bad Gateway"}'));
    renderWithMeta({}, client);

    fireEvent.click(screen.getByRole('button', { name: /test connection/i }));

    expect(await screen.findByText('Bad Gateway')).toBeInTheDocument();
  });
});
