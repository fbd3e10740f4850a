import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api/client';
import { FakeClient, makeAction, makeIncident } from '../testing/fakeClient';
import { renderWithClient } from '../testing/render';
import { testIds } from '../components/testIds';
import { ROUTES } from '../constants';
import Incident from './Incident';

function backend() {
  return new FakeClient({
    incidents: [
      makeIncident({
        incident_id: 'inc_00123',
        title: 'Database connections failing',
        severity: 'critical',
        affected_components: ['api', 'database'],
        root_cause: {
          primary_error_type: 'db_connection_error',
          primary_source: 'database',
          error_distribution: { db_connection_error: 9, api_timeout: 3 },
          source_distribution: { database: 9, api: 3 },
          evidence: null,
        },
      }),
    ],
    actions: {
      inc_00123: [
        makeAction({ action_id: 'restart_pool', title: 'Restart the connection pool' }),
        makeAction({
          action_id: 'failover_db',
          title: 'Fail over the database',
          risk: 'medium',
          approval: 'responder',
        }),
      ],
    },
    postmortems: {
      inc_00123: '# Incident Post-Mortem: inc_00123\n\n## Impact\n\n- **Affected Components**: api, database\n',
    },
  });
}

function openIncident(client: FakeClient) {
  return renderWithClient(<Incident />, { client, path: '/incidents/inc_00123', route: ROUTES.Incident });
}

const summary = () => screen.getByTestId(testIds.incident.summary);
/** The value of a field of the details, by its label. */
const field = (label: string) =>
  within(summary()).getByText((_, el) => el?.tagName === 'DT' && el.textContent === label).nextElementSibling;

describe('Incident', () => {
  test('shows the details, root cause, components, actions and the rendered post-mortem', async () => {
    const client = backend();
    openIncident(client);

    expect(await screen.findByText('Database connections failing')).toBeInTheDocument();
    expect(client.callsOf('getIncident')).toEqual([['inc_00123', ['timeline', 'actions', 'postmortem']]]);
    expect(field('Primary error type')).toHaveTextContent('db_connection_error');
    expect(field('Errors by type')).toHaveTextContent('db_connection_error (9), api_timeout (3)');
    expect(screen.getByRole('region', { name: 'Affected components' })).toHaveTextContent('apidatabase');

    const failover = screen.getByTestId(testIds.incident.action('failover_db'));
    expect(failover).toHaveTextContent('medium risk');
    expect(failover).toHaveTextContent("Needs an on-call responder's approval");
    expect(within(failover).getByLabelText('Approved by')).toBeInTheDocument();
    // A low-risk action needs nobody's approval, so it asks for none.
    expect(
      within(screen.getByTestId(testIds.incident.action('restart_pool'))).queryByLabelText('Approved by')
    ).toBeNull();

    const postmortem = screen.getByTestId(testIds.incident.postmortem);
    expect(within(postmortem).getByRole('heading', { level: 1 })).toHaveTextContent('Incident Post-Mortem: inc_00123');
    expect(within(postmortem).getByRole('listitem')).toHaveTextContent('Affected Components: api, database');
    expect(within(postmortem).getByRole('button', { name: /download markdown/i })).toBeInTheDocument();
  });

  test('acknowledges, then shows who acknowledged and the new status', async () => {
    const client = backend();
    openIncident(client);

    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));

    await waitFor(() => expect(field('Acknowledged')).toHaveTextContent('by admin'));
    expect(client.callsOf('acknowledge')).toEqual([['inc_00123']]);
    expect(within(summary()).getByText('Assessing')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Acknowledge' })).toBeDisabled();
    expect(screen.getByTestId(testIds.incident.timeline)).toHaveTextContent('Acknowledged');
  });

  test('assigns to the person typed', async () => {
    const client = backend();
    openIncident(client);

    fireEvent.change(await screen.findByLabelText('Assignee'), { target: { value: ' jane.roe ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Assign' }));

    await waitFor(() => expect(field('Assigned to')).toHaveTextContent('jane.roe'));
    expect(client.callsOf('assign')).toEqual([['inc_00123', 'jane.roe']]);
  });

  test("shows the backend's approval_required, then runs the action with approved_by", async () => {
    const client = backend();
    openIncident(client);
    const failover = await screen.findByTestId(testIds.incident.action('failover_db'));

    fireEvent.click(within(failover).getByRole('button', { name: 'Run' }));

    expect(await within(failover).findByText('approval_required')).toBeInTheDocument();
    expect(failover).toHaveTextContent(
      'failover_db is medium risk: it needs the approval of an on-call responder; pass approved_by'
    );

    fireEvent.change(within(failover).getByLabelText('Approved by'), { target: { value: 'jane.roe' } });
    fireEvent.click(within(failover).getByRole('button', { name: 'Run' }));

    expect(await within(failover).findByText('Run succeeded')).toBeInTheDocument();
    expect(failover).toHaveTextContent('approved by jane.roe');
    expect(client.callsOf('runAction').at(-1)).toEqual([
      'inc_00123',
      'failover_db',
      { dry_run: false, approved_by: 'jane.roe' },
    ]);
    await waitFor(() => expect(within(failover).getByText('succeeded')).toBeInTheDocument());
    expect(within(failover).queryByText('approval_required')).toBeNull();
  });

  test('approves a risky action; the next run uses the approval', async () => {
    const client = backend();
    openIncident(client);
    const failover = await screen.findByTestId(testIds.incident.action('failover_db'));

    fireEvent.change(within(failover).getByLabelText('Approved by'), { target: { value: 'lena.lead' } });
    fireEvent.click(within(failover).getByRole('button', { name: 'Approve' }));

    expect(await within(failover).findByText('Approved by lena.lead')).toBeInTheDocument();
    expect(client.callsOf('approveAction')).toEqual([['inc_00123', 'failover_db', { approved_by: 'lena.lead' }]]);

    fireEvent.change(within(failover).getByLabelText('Approved by'), { target: { value: '' } });
    fireEvent.click(within(failover).getByRole('button', { name: 'Run' }));
    expect(await within(failover).findByText('Run succeeded')).toBeInTheDocument();
    expect(within(failover).queryByText('approval_required')).toBeNull();
    // An approval is for one run: the next one needs another.
    fireEvent.click(within(failover).getByRole('button', { name: 'Run' }));
    expect(await within(failover).findByText('approval_required')).toBeInTheDocument();
  });

  test('dry-runs an action without changing it', async () => {
    const client = backend();
    openIncident(client);
    const restart = await screen.findByTestId(testIds.incident.action('restart_pool'));

    fireEvent.click(within(restart).getByRole('button', { name: 'Dry run' }));

    expect(await within(restart).findByText('Dry run: nothing was changed')).toBeInTheDocument();
    expect(restart).toHaveTextContent('would POST http://service/restart');
    expect(client.callsOf('runAction')).toEqual([
      ['inc_00123', 'restart_pool', { dry_run: true, approved_by: undefined }],
    ]);
  });

  test('resolves with notes, then closes', async () => {
    const client = backend();
    openIncident(client);
    expect(await screen.findByRole('button', { name: 'Close' })).toBeDisabled();

    fireEvent.change(screen.getByLabelText('Resolution notes'), { target: { value: 'Restarted the pool' } });
    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));

    await waitFor(() => expect(field('Resolved')).toHaveTextContent('by admin'));
    expect(client.callsOf('resolve')).toEqual([['inc_00123', 'Restarted the pool']]);
    expect(screen.getByRole('region', { name: 'Notes' })).toHaveTextContent('Restarted the pool');
    expect(screen.getByRole('button', { name: 'Resolve' })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Close' }));

    await waitFor(() => expect(field('Closed')).toHaveTextContent('by admin'));
    expect(client.callsOf('close')).toEqual([['inc_00123']]);
  });

  test('shows the refusal of a change', async () => {
    const client = backend();
    openIncident(client);
    await screen.findByRole('button', { name: 'Acknowledge' });
    client.failNext('acknowledge', new ApiError(403, 'forbidden', 'the respond key may not acknowledge'));

    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));

    expect(await screen.findByText('the respond key may not acknowledge')).toBeInTheDocument();
    expect(field('Acknowledged')).toHaveTextContent('–');
  });
});
