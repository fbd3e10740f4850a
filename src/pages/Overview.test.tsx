import React from 'react';
import { screen, within } from '@testing-library/react';
import { FakeClient, makeIncident, makeStats } from '../testing/fakeClient';
import { renderWithClient } from '../testing/render';
import { testIds } from '../components/testIds';
import Overview from './Overview';

function backend() {
  const now = new Date().toISOString();
  return new FakeClient({
    incidents: [
      makeIncident({
        incident_id: 'inc_00123',
        title: 'Error Burst',
        severity: 'critical',
        affected_components: ['api_gateway', 'database'],
      }),
      makeIncident({
        incident_id: 'inc_00124',
        title: 'Service Down',
        severity: 'high',
        affected_components: ['api_gateway'],
      }),
      makeIncident({ incident_id: 'inc_00100', title: 'Memory Low', status: 'resolved', resolved_at: now, mttr: 600 }),
    ],
    timelines: {
      inc_00123: [
        {
          at: '2026-11-26T10:30:00.000Z',
          kind: 'lifecycle',
          event_type: 'detected',
          source: 'system',
          message: 'Incident detected by rule error_burst',
          actor: null,
          severity: 'critical',
          event_id: null,
          data: null,
        },
      ],
    },
    stats: makeStats({
      total_incidents: 15,
      by_severity: { critical: 3, high: 6, medium: 4, low: 2 },
      avg_mttd: 138,
      avg_mttr: 2712,
      auto_resolved: 8,
      manual_resolved: 7,
    }),
  });
}

describe('Overview', () => {
  test('shows the system health, the active incidents and the metrics of the last 24 hours', async () => {
    const client = backend();
    renderWithClient(<Overview />, { client });

    const stats = await screen.findByTestId(testIds.overview.stats);
    expect(within(stats).getByRole('group', { name: 'System health' })).toHaveTextContent('1 critical');
    expect(within(stats).getByRole('group', { name: 'Active incidents' })).toHaveTextContent('2');
    expect(within(stats).getByRole('group', { name: 'Resolved today' })).toHaveTextContent('1');
    expect(within(stats).getByRole('group', { name: 'Avg MTTR (24h)' })).toHaveTextContent('45.2m');

    const table = screen.getByTestId(testIds.incidentTable.container);
    expect(within(table).getByRole('link', { name: 'inc_00123' })).toHaveAttribute(
      'href',
      '/a/mahavishnu-incidents-app/incidents/inc_00123'
    );
    expect(within(table).getByText('Service Down')).toBeInTheDocument();
    expect(within(table).queryByText('Memory Low')).not.toBeInTheDocument();

    const metrics = screen.getByTestId(testIds.overview.metrics);
    expect(within(metrics).getByRole('row', { name: /total incidents/i })).toHaveTextContent('15');
    expect(within(metrics).getByRole('row', { name: /mttd/i })).toHaveTextContent('2.3m');
    expect(within(metrics).getByRole('row', { name: /auto-resolved/i })).toHaveTextContent('8');
    expect(within(metrics).getByRole('row', { name: /manual/i })).toHaveTextContent('7');
    expect(client.callsOf('stats')).toEqual([['24h']]);
  });

  test('shows the components of the active incidents with their worst severity, and the recent activity', async () => {
    renderWithClient(<Overview />, { client: backend() });

    const components = await screen.findByTestId(testIds.overview.components);
    const rows = within(components).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/api_gateway\s*Down\s*Critical\s*2/);
    expect(rows[2]).toHaveTextContent(/database\s*Down\s*Critical\s*1/);

    const activity = await screen.findByTestId(testIds.overview.activity);
    expect(activity).toHaveTextContent('inc_00123');
    expect(activity).toHaveTextContent('Incident detected by rule error_burst');
  });

  test('says the system is healthy when no critical incident is active', async () => {
    const client = new FakeClient({ incidents: [makeIncident({ severity: 'medium' })] });
    renderWithClient(<Overview />, { client });

    const stats = await screen.findByTestId(testIds.overview.stats);
    expect(within(stats).getByRole('group', { name: 'System health' })).toHaveTextContent('OK');
  });

  test('shows why the incidents could not be loaded', async () => {
    const client = new FakeClient();
    client.failNext('listIncidents', new Error('backend not reachable'));
    renderWithClient(<Overview />, { client });

    expect(await screen.findByText('backend not reachable')).toBeInTheDocument();
  });
});
