import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { dateTime, type PanelProps } from '@grafana/data';
import type { IncidentsApi } from '../../api/client';
import { ClientProvider } from '../../api/context';
import { makeAction, makeIncident, makeRun } from '../../testing/fakeClient';
import { IncidentsPanel } from './IncidentsPanel';
import { DEFAULT_OPTIONS } from './options';
import type { Incident, PanelOptions, RemediationAction } from './types';

/** The panel's client, each call it makes a mock. */
const mocked = {
  listIncidents: jest.fn(),
  acknowledge: jest.fn(),
  assign: jest.fn(),
  resolve: jest.fn(),
  actions: jest.fn(),
  runAction: jest.fn(),
} satisfies Partial<Record<keyof IncidentsApi, jest.Mock>>;

/** Incidents as `GET /api/v1/incidents?status=active` answers them (the contract's example, trimmed), newest first. */
function incident(p: Partial<Incident> & Pick<Incident, 'incident_id' | 'severity' | 'title'>): Incident {
  return makeIncident({
    status: 'assessing',
    detected_at: '2026-11-26T10:30:00Z',
    affected_components: ['api', 'worker'],
    ...p,
  });
}

const ACTIVE: Incident[] = [
  incident({
    incident_id: 'inc_00125',
    severity: 'medium',
    title: 'Cache Failure - 2026-11-26 10:40',
    affected_components: ['cache'],
  }),
  incident({
    incident_id: 'inc_00124',
    severity: 'high',
    title: 'Error Burst - 2026-11-26 10:30',
    assigned_to: 'john.doe',
  }),
  incident({
    incident_id: 'inc_00123',
    severity: 'critical',
    title: 'Service Down - 2026-11-26 10:20',
    incident_type: 'service_down',
  }),
];

const ACTIONS: RemediationAction[] = [
  makeAction({
    action_id: 'clear_cache',
    title: 'Clear cache',
    description: '',
    risk: 'low',
    approval: 'none',
    executor: 'http',
    state: 'recommended',
  }),
  makeAction({
    action_id: 'restart_service',
    title: 'Restart service',
    description: '',
    risk: 'medium',
    approval: 'responder',
    executor: 'command',
    state: 'awaiting_approval',
  }),
];

const T0 = Date.parse('2026-11-26T11:00:00Z');

function renderPanel(options: Partial<PanelOptions> = {}, width = 1200) {
  const props = {
    options: { ...DEFAULT_OPTIONS, ...options },
    width,
    height: 400,
    timeRange: { from: dateTime(T0 - 3600_000), to: dateTime(T0), raw: { from: 'now-1h', to: 'now' } },
    replaceVariables: (text: string) => text.replace('$component', 'api'),
  } as unknown as PanelProps<PanelOptions>;
  return render(
    <ClientProvider client={mocked as unknown as IncidentsApi}>
      <IncidentsPanel {...props} />
    </ClientProvider>
  );
}

/** The table row of an incident, found by its title. */
const rowOf = (title: string) => screen.getByRole('row', { name: new RegExp(title) });

beforeEach(() => {
  jest.resetAllMocks();
  mocked.listIncidents.mockResolvedValue(ACTIVE);
});

describe('IncidentsPanel, wide', () => {
  it('lists the active incidents worst first, with severity badges and the chosen columns', async () => {
    renderPanel({ component: '$component' });

    const rows = await screen.findAllByRole('row');
    expect(mocked.listIncidents).toHaveBeenCalledWith({ status: 'active', component: 'api', limit: 100 });
    expect(
      within(rows[0])
        .getAllByRole('columnheader')
        .map((h) => h.textContent)
    ).toEqual(['Severity', 'Title', 'Status', 'Components', 'Assignee', 'Detected', '']);
    expect(rows.slice(1).map((r) => within(r).getAllByRole('cell')[0].textContent)).toEqual([
      'critical',
      'high',
      'medium',
    ]);
    expect(within(rowOf('Error Burst')).getByText('john.doe')).toBeInTheDocument();
    expect(within(rowOf('Cache Failure')).getByText('cache')).toBeInTheDocument();
  });

  it('reads incidents of the time range for a status other than active, and shows at most max rows', async () => {
    renderPanel({ status: 'resolved', severity: 'high', maxRows: 2 });

    expect(await screen.findAllByRole('row')).toHaveLength(3);
    expect(mocked.listIncidents).toHaveBeenCalledWith({
      status: 'resolved',
      severity: 'high',
      since: '2026-11-26T10:00:00.000Z',
      limit: 100,
    });
  });

  it('acknowledges an incident and reads the list again', async () => {
    mocked.acknowledge.mockResolvedValue({ ...ACTIVE[2], acknowledged_at: '2026-11-26T11:00:00Z' });
    renderPanel();

    fireEvent.click(await within(await findRow('Service Down')).findByRole('button', { name: 'Acknowledge' }));

    expect(mocked.acknowledge).toHaveBeenCalledWith('inc_00123');
    expect(await screen.findByText('Acknowledged Service Down - 2026-11-26 10:20')).toBeInTheDocument();
    expect(mocked.listIncidents).toHaveBeenCalledTimes(2);
  });

  it('disables Acknowledge of an acknowledged incident', async () => {
    mocked.listIncidents.mockResolvedValue([{ ...ACTIVE[2], acknowledged_at: '2026-11-26T10:25:00Z' }]);
    renderPanel();
    expect(await within(await findRow('Service Down')).findByRole('button', { name: 'Acknowledge' })).toBeDisabled();
  });

  it("shows the backend's refusal of an action", async () => {
    mocked.acknowledge.mockRejectedValue(new Error('incident inc_00123 is resolved'));
    renderPanel();

    fireEvent.click(await within(await findRow('Service Down')).findByRole('button', { name: 'Acknowledge' }));

    expect(
      await screen.findByText('Cannot acknowledge Service Down - 2026-11-26 10:20: incident inc_00123 is resolved')
    ).toBeInTheDocument();
    expect(mocked.listIncidents).toHaveBeenCalledTimes(1);
  });

  it('resolves with notes and reads the list again', async () => {
    mocked.resolve.mockResolvedValue({ ...ACTIVE[1], status: 'resolved' });
    renderPanel();

    fireEvent.click(await within(await findRow('Error Burst')).findByRole('button', { name: 'Resolve' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Resolution notes'), {
      target: { value: 'Rolled back the deploy' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Resolve' }));

    await waitFor(() => expect(mocked.resolve).toHaveBeenCalledWith('inc_00124', 'Rolled back the deploy'));
    expect(await screen.findByText('Resolved Error Burst - 2026-11-26 10:30')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(mocked.listIncidents).toHaveBeenCalledTimes(2);
  });

  it('assigns to the person typed', async () => {
    mocked.assign.mockResolvedValue({ ...ACTIVE[2], assigned_to: 'jane' });
    renderPanel();

    fireEvent.click(await within(await findRow('Service Down')).findByRole('button', { name: 'Assign' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('button', { name: 'Assign' })).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/Assignee/), { target: { value: 'jane' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Assign' }));

    await waitFor(() => expect(mocked.assign).toHaveBeenCalledWith('inc_00123', 'jane'));
  });

  it("runs one of the incident's actions, asking who approved it where its risk needs that", async () => {
    mocked.actions.mockResolvedValue(ACTIONS);
    mocked.runAction.mockResolvedValue(makeRun({ action_id: 'restart_service', detail: null }));
    renderPanel();

    fireEvent.click(await within(await findRow('Service Down')).findByRole('button', { name: 'Run action' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(await within(dialog).findByRole('menuitemradio', { name: /Restart service/ }));
    expect(within(dialog).getByRole('button', { name: 'Run' })).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/Approved by/), { target: { value: 'team.lead' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Run' }));

    expect(mocked.actions).toHaveBeenCalledWith('inc_00123');
    await waitFor(() =>
      expect(mocked.runAction).toHaveBeenCalledWith('inc_00123', 'restart_service', { approved_by: 'team.lead' })
    );
    expect(
      await screen.findByText('Restart service on Service Down - 2026-11-26 10:20: succeeded')
    ).toBeInTheDocument();
    expect(mocked.listIncidents).toHaveBeenCalledTimes(2);
  });

  it('shows no buttons when the options hide them', async () => {
    renderPanel({ showActions: false });
    await findRow('Service Down');
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('says so when there is no active incident', async () => {
    mocked.listIncidents.mockResolvedValue([]);
    renderPanel();
    expect(await screen.findByText('No active incidents')).toBeInTheDocument();
  });
});

describe('IncidentsPanel, narrow', () => {
  it('shows only severity, title and one menu button per incident', async () => {
    renderPanel({}, 320);

    const items = within(await screen.findByRole('list', { name: 'Incidents' })).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      'criticalService Down - 2026-11-26 10:20',
      'highError Burst - 2026-11-26 10:30',
      'mediumCache Failure - 2026-11-26 10:40',
    ]);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).not.toBeInTheDocument();
    expect(within(items[0]).getAllByRole('button')).toHaveLength(1);
  });

  it("acknowledges from the row's menu", async () => {
    mocked.acknowledge.mockResolvedValue({ ...ACTIVE[2], acknowledged_at: '2026-11-26T11:00:00Z' });
    renderPanel({}, 320);

    fireEvent.click(await screen.findByRole('button', { name: 'Respond to Service Down - 2026-11-26 10:20' }));
    const menu = await screen.findByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((m) => m.textContent)
    ).toEqual(['Acknowledge', 'Assign', 'Run action', 'Resolve']);
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Acknowledge' }));

    expect(mocked.acknowledge).toHaveBeenCalledWith('inc_00123');
    await waitFor(() => expect(mocked.listIncidents).toHaveBeenCalledTimes(2));
  });
});

function findRow(title: string): Promise<HTMLElement> {
  return waitFor(() => rowOf(title));
}
