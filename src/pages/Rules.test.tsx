import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ApiError } from '../api/client';
import { FakeClient, makeRule } from '../testing/fakeClient';
import { fakeBrowserApisDuringTests, renderWithClient } from '../testing/render';
import { testIds } from '../components/testIds';
import Rules from './Rules';

fakeBrowserApisDuringTests();

const EVENT = {
  seq: 1,
  event_id: 'ev_1',
  timestamp: '2026-11-26T10:00:00.000Z',
  received_at: '2026-11-26T10:00:00.000Z',
  event_type: 'error',
  source: 'api',
  severity: 'high' as const,
  message: 'boom',
  metadata: {},
  correlation_id: null,
};

function backend() {
  return new FakeClient({
    rules: [
      makeRule({ rule_id: 'error_burst', name: 'Error burst', error_threshold: 10, time_window_seconds: 300 }),
      makeRule({ rule_id: 'service_down', name: 'Service down', incident_type: 'service_down', severity: 'critical' }),
    ],
    events: [EVENT, { ...EVENT, seq: 2, event_id: 'ev_2' }],
  });
}

const row = (name: string) => within(screen.getByTestId(testIds.rules.table)).getByText(name).closest('tr')!;

describe('Rules', () => {
  test('disables a rule with its switch', async () => {
    const client = backend();
    renderWithClient(<Rules />, { client });

    const toggle = await screen.findByRole('switch', { name: 'Enabled: Error burst' });
    expect(toggle).toBeChecked();
    fireEvent.click(toggle);

    await waitFor(() => expect(screen.getByRole('switch', { name: 'Enabled: Error burst' })).not.toBeChecked());
    expect(client.callsOf('setRuleEnabled')).toEqual([['error_burst', false]]);
    expect(screen.getByRole('switch', { name: 'Enabled: Service down' })).toBeChecked();
  });

  test("changes a rule's threshold", async () => {
    const client = backend();
    renderWithClient(<Rules />, { client });
    expect(await screen.findByRole('button', { name: 'Edit Error burst' })).toBeInTheDocument();
    expect(row('Error burst')).toHaveTextContent('10 in 5m');

    fireEvent.click(within(row('Error burst')).getByRole('button', { name: 'Edit Error burst' }));
    const editor = await screen.findByTestId(testIds.rules.editor);
    fireEvent.change(within(editor).getByLabelText(/^Threshold/), { target: { value: '20' } });
    fireEvent.click(within(editor).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(within(row('Error burst')).getByText('20 in 5m')).toBeInTheDocument());
    expect(client.callsOf('updateRule')).toEqual([['error_burst', { error_threshold: 20, time_window_seconds: 300 }]]);
    expect(screen.queryByTestId(testIds.rules.editor)).toBeNull();
  });

  test('refuses a threshold that is not a whole number before asking the backend', async () => {
    const client = backend();
    renderWithClient(<Rules />, { client });

    fireEvent.click(await screen.findByRole('button', { name: 'Edit Error burst' }));
    const editor = await screen.findByTestId(testIds.rules.editor);
    fireEvent.change(within(editor).getByLabelText(/^Threshold/), { target: { value: '0' } });

    expect(within(editor).getByText('a whole number from 1 to 1,000,000')).toBeInTheDocument();
    expect(within(editor).getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  test('tests a rule on the recent events', async () => {
    const client = backend();
    renderWithClient(<Rules />, { client });

    fireEvent.click(await screen.findByRole('button', { name: 'Edit Error burst' }));
    const tester = await screen.findByTestId(testIds.rules.tester);
    fireEvent.click(within(tester).getByRole('button', { name: 'Test this rule' }));

    expect(await within(tester).findByText('Would open 0 incidents')).toBeInTheDocument();
    expect(tester).toHaveTextContent('2 of 2 recent events match');
    expect(client.callsOf('listEvents')).toEqual([[{ since: '24h', limit: 1000 }]]);
    expect(client.callsOf('testRule')).toEqual([['error_burst', client.events, true]]);
    expect(client.callsOf('updateRule')).toEqual([]);
  });

  test('creates a custom rule', async () => {
    const client = backend();
    renderWithClient(<Rules />, { client });

    fireEvent.click(await screen.findByRole('button', { name: /new custom rule/i }));
    const form = await screen.findByTestId(testIds.rules.createForm);
    fireEvent.change(within(form).getByLabelText('Rule ID'), { target: { value: 'checkout_errors' } });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Checkout errors' } });
    fireEvent.change(within(form).getByLabelText(/^Event types/), { target: { value: 'payment_error, checkout_*' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create rule' }));

    expect(await within(screen.getByTestId(testIds.rules.table)).findByText('Checkout errors')).toBeInTheDocument();
    expect(client.callsOf('createRule')).toEqual([
      [
        {
          rule_id: 'checkout_errors',
          name: 'Checkout errors',
          description: '',
          incident_type: 'custom',
          severity: 'medium',
          error_threshold: 10,
          time_window_seconds: 300,
          enabled: true,
          match: { event_types: ['payment_error', 'checkout_*'] },
        },
      ],
    ]);
  });

  test("shows the form's own errors without asking the backend", async () => {
    const client = backend();
    renderWithClient(<Rules />, { client });

    fireEvent.click(await screen.findByRole('button', { name: /new custom rule/i }));
    const form = await screen.findByTestId(testIds.rules.createForm);
    fireEvent.click(within(form).getByRole('button', { name: 'Create rule' }));

    expect(within(form).getByText('a rule needs a name')).toBeInTheDocument();
    expect(within(form).getByText(/at least one event type/)).toBeInTheDocument();
    expect(client.callsOf('createRule')).toEqual([]);
  });

  test("shows the backend's field errors of a 400 at their fields", async () => {
    const client = backend();
    client.failNext(
      'createRule',
      new ApiError(400, 'invalid_request', 'body.rule_id: rule_id is taken by a built-in rule', [
        { field: 'body.rule_id', message: 'rule_id is taken by a built-in rule' },
        { field: 'body.match.event_types[1]', message: 'Too big: expected string to have <=256 characters' },
        { field: 'body.group_by', message: 'Invalid input' },
      ])
    );
    renderWithClient(<Rules />, { client });

    fireEvent.click(await screen.findByRole('button', { name: /new custom rule/i }));
    const form = await screen.findByTestId(testIds.rules.createForm);
    fireEvent.change(within(form).getByLabelText('Rule ID'), { target: { value: 'error_burst2' } });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Errors' } });
    fireEvent.change(within(form).getByLabelText(/^Event types/), { target: { value: 'error, x' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create rule' }));

    expect(await within(form).findByText('rule_id is taken by a built-in rule')).toBeInTheDocument();
    expect(within(form).getByText('Too big: expected string to have <=256 characters')).toBeInTheDocument();
    // A field the form has no place for is named in an alert.
    expect(within(form).getByText('group_by: Invalid input')).toBeInTheDocument();
    expect(client.callsOf('createRule')).toHaveLength(1);
  });

  test('shows a refusal without field errors, such as a taken rule ID', async () => {
    const client = backend();
    renderWithClient(<Rules />, { client });

    fireEvent.click(await screen.findByRole('button', { name: /new custom rule/i }));
    const form = await screen.findByTestId(testIds.rules.createForm);
    fireEvent.change(within(form).getByLabelText('Rule ID'), { target: { value: 'error_burst' } });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Errors' } });
    fireEvent.change(within(form).getByLabelText(/^Event types/), { target: { value: 'error' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create rule' }));

    expect(await within(form).findByText('rule error_burst exists')).toBeInTheDocument();
  });
});
