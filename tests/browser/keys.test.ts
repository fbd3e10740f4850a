import { sha256 } from '../../backend/src/security/keys';
import { until } from '../../backend/test/process';
import { screenshot, startStack, type Stack } from './harness';

// Each test drives a real browser against a real backend process.
jest.setTimeout(60_000);

const KEYS = { viewer: 'viewer-key-0123456789abcdef', responder: 'responder-key-0123456789abcdef' };

describe('the standalone pages of a backend that requires keys', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(`
security:
  auth:
    keys:
      - { name: vera, role: viewer, sha256: "${sha256(KEYS.viewer)}" }
      - { name: rory, role: responder, sha256: "${sha256(KEYS.responder)}" }
`);
  }, 60_000);

  afterAll(() => stack?.close());

  afterEach(() => expect(stack.pageErrors).toEqual([]));

  test('ask for a key, refuse a wrong one, and act as the name of the key given', async () => {
    const { incident_id: id } = await stack.api.withKey(KEYS.responder).createIncident({
      title: 'Login failures',
      severity: 'high',
      incident_type: 'custom',
    });
    const page = await stack.open(`/a/mahavishnu-incidents-app/incidents/${id}`);
    const key = page.getByLabel('API key');
    await key.fill('not-a-key-at-all-0000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The backend refused this key').waitFor();
    await screenshot(page, 'sign-in');

    // A viewer sees the incident; the backend refuses what a viewer may not do, and the page says so.
    await key.fill(KEYS.viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const controls = page.getByTestId('data-testid pg-incident-controls');
    await controls.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('the key vera (role viewer) may not do this: it needs the role responder').waitFor();
    expect((await stack.api.withKey(KEYS.viewer).getIncident(id)).acknowledged_by).toBeNull();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(KEYS.responder);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await controls.getByRole('button', { name: 'Acknowledge' }).click();
    await until(
      'the acknowledgement on the server',
      async () => (await stack.api.withKey(KEYS.viewer).getIncident(id)).acknowledged_by === 'rory'
    );
  });
});
