import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { AppRootProps, PluginType } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import { testIds } from 'components/testIds';
import { ClientProvider } from '../../api/context';
import { FakeClient, makeIncident } from '../../testing/fakeClient';
import { fakeBrowserApisDuringTests } from '../../testing/render';
import { ROUTES } from '../../constants';
import App from './App';

fakeBrowserApisDuringTests();

describe('Components/App', () => {
  let props: AppRootProps;

  // Pages are lazy loaded. Loading them (and @grafana/ui) the first time takes longer than a `findBy*` query
  // waits, so load them once up front; the tests then only wait for React to render the lazy page.
  beforeAll(
    () =>
      Promise.all([
        import('../../pages/Overview'),
        import('../../pages/Incidents'),
        import('../../pages/Incident'),
        import('../../pages/Rules'),
      ]),
    30_000
  );

  beforeEach(() => {
    jest.resetAllMocks();

    props = {
      basename: 'a/mahavishnu-incidents-app',
      meta: {
        id: 'mahavishnu-incidents-app',
        name: 'Incident Response',
        type: PluginType.app,
        enabled: true,
        jsonData: {},
      },
      query: {},
      path: '',
      onNavChanged: jest.fn(),
    } as unknown as AppRootProps;
  });

  const renderAt = (path: string) =>
    render(
      <ClientProvider client={new FakeClient({ incidents: [makeIncident({ incident_id: 'inc_00042' })] })}>
        <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <App {...props} />
        </MemoryRouter>
      </ClientProvider>
    );

  test('renders the overview by default, with links to incidents and rules', async () => {
    renderAt('/');

    expect(await screen.findByTestId(testIds.overview.container)).toBeInTheDocument();
    expect(screen.getByText(/turns alerts from grafana and alertmanager into incidents/i)).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: /view incidents/i })).toHaveAttribute(
      'href',
      '/a/mahavishnu-incidents-app/incidents'
    );
    expect(screen.getByRole('link', { name: /view detection rules/i })).toHaveAttribute(
      'href',
      '/a/mahavishnu-incidents-app/rules'
    );
  });

  test('renders the overview page on its own route', async () => {
    renderAt(`/${ROUTES.Overview}`);

    expect(await screen.findByTestId(testIds.overview.container)).toBeInTheDocument();
  });

  test('renders the incidents page', async () => {
    renderAt(`/${ROUTES.Incidents}`);

    expect(await screen.findByTestId(testIds.incidents.container)).toHaveTextContent(
      /incidents come from the mahavishnu backend/i
    );
  });

  test('renders the page of one incident', async () => {
    renderAt(`/${ROUTES.Incidents}/inc_00042`);

    expect(await screen.findByTestId(testIds.incident.summary)).toHaveTextContent('inc_00042');
  });

  test('renders the rules page', async () => {
    renderAt(`/${ROUTES.Rules}`);

    expect(await screen.findByTestId(testIds.rules.container)).toHaveTextContent(/detection rules decide/i);
  });
});
