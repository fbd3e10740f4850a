import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { FakeClient, makeIncident } from '../testing/fakeClient';
import { currentSearchParams, fakeBrowserApisDuringTests, renderWithClient } from '../testing/render';
import { testIds } from '../components/testIds';
import Incidents from './Incidents';

fakeBrowserApisDuringTests();

function backend() {
  return new FakeClient({
    incidents: [
      makeIncident({ incident_id: 'inc_1', title: 'Error Burst', severity: 'critical', affected_components: ['api'] }),
      makeIncident({ incident_id: 'inc_2', title: 'Service Down', severity: 'high', affected_components: ['db'] }),
      makeIncident({ incident_id: 'inc_3', title: 'Memory Low', severity: 'high', status: 'resolved' }),
    ],
  });
}

const listed = () =>
  within(screen.getByTestId(testIds.incidentTable.container))
    .getAllByRole('link')
    .map((a) => a.textContent);

describe('Incidents', () => {
  test('takes its filters from the URL and asks the backend for those', async () => {
    const client = backend();
    renderWithClient(<Incidents />, { client, path: '/incidents?severity=high&status=active&since=2h' });

    await waitFor(() => expect(listed()).toEqual(['inc_2']));
    expect(client.callsOf('listIncidents')).toEqual([
      [{ severity: 'high', status: 'active', since: '2h', limit: 1000 }],
    ]);
    expect(screen.getByRole('radio', { name: 'High' })).toBeChecked();
    expect(screen.getByLabelText('Status')).toHaveValue('Active');
    // A range from a shared URL that is not one of the usual ones is still shown as chosen.
    expect(screen.getByRole('radio', { name: '2h' })).toBeChecked();
  });

  test('writes a chosen filter to the URL and narrows the list', async () => {
    const client = backend();
    renderWithClient(<Incidents />, { client, path: '/incidents' });
    await waitFor(() => expect(listed()).toEqual(['inc_1', 'inc_2', 'inc_3']));

    fireEvent.click(screen.getByRole('radio', { name: 'High' }));

    await waitFor(() => expect(listed()).toEqual(['inc_2', 'inc_3']));
    expect(currentSearchParams().get('severity')).toBe('high');
    expect(client.callsOf('listIncidents').at(-1)).toEqual([{ severity: 'high', limit: 1000 }]);

    const component = screen.getByLabelText('Component');
    fireEvent.change(component, { target: { value: 'db' } });
    fireEvent.keyDown(component, { key: 'Enter' });

    await waitFor(() => expect(listed()).toEqual(['inc_2']));
    expect(currentSearchParams().toString()).toBe('severity=high&component=db');
  });

  test('clears every filter', async () => {
    renderWithClient(<Incidents />, {
      client: backend(),
      path: '/incidents?severity=critical&component=api&type=error_burst',
    });
    await waitFor(() => expect(listed()).toEqual(['inc_1']));

    fireEvent.click(screen.getByRole('button', { name: /clear filters/i }));

    await waitFor(() => expect(listed()).toHaveLength(3));
    expect(currentSearchParams().toString()).toBe('');
  });

  test('offers the filtered list for export', async () => {
    renderWithClient(<Incidents />, { client: backend(), path: '/incidents?status=resolved' });

    await waitFor(() => expect(listed()).toEqual(['inc_3']));
    expect(screen.getByText('1 incident')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /export csv/i })).toBeEnabled();
    expect(screen.getByRole('button', { name: /export json/i })).toBeEnabled();
  });
});
