import { until } from '../../backend/test/process';
import { screenshot, startStack, untilStatus, type Stack } from './harness';

const DASHBOARD = '/d/mahavishnu-incident-response';

// Each test drives a real browser against a real backend process.
jest.setTimeout(60_000);

describe('the provisioned dashboard: the incidents panel and the datasource frames, in a real browser', () => {
  let stack: Stack;
  let diskFull: string;

  beforeAll(async () => {
    stack = await startStack();
    diskFull = (
      await stack.api.createIncident({
        title: 'Disk full on db-1',
        severity: 'critical',
        incident_type: 'disk_space_low',
        components: ['db'],
      })
    ).incident_id;
    await stack.api.createIncident({
      title: 'Checkout latency',
      severity: 'high',
      incident_type: 'performance_degradation',
      components: ['checkout'],
    });
    const done = await stack.api.createIncident({
      title: 'Old cache miss storm',
      severity: 'low',
      incident_type: 'cache_failure',
      components: ['cache'],
    });
    await stack.api.resolve(done.incident_id, 'warmed up');
  }, 60_000);

  afterAll(() => stack?.close());

  afterEach(() => expect(stack.pageErrors).toEqual([]));

  // Two panels are titled "Active incidents": the stat (first) and the incidents panel (second).
  const panel = (page: Awaited<ReturnType<Stack['open']>>, title: string) =>
    page.getByTestId(`dashboard-panel ${title}`);

  test("the datasource's frames render as stat, time series and table panels", async () => {
    const page = await stack.open(DASHBOARD);

    // stats: two of the three incidents are active
    await until(
      'the active incidents stat',
      async () => (await panel(page, 'Active incidents').first().textContent())?.includes('2'),
      15_000
    );
    // time series: a plot with the severities in its legend
    const bySeverity = panel(page, 'Incidents by severity');
    await bySeverity.locator('canvas').first().waitFor();
    for (const severity of ['critical', 'high']) {
      await bySeverity.getByText(severity, { exact: true }).waitFor();
    }
    // components: a row per affected component
    const components = panel(page, 'Component status');
    for (const component of ['db', 'checkout']) {
      await components.getByText(component, { exact: true }).first().waitFor();
    }
    await screenshot(page, 'dashboard');
  });

  test('the incidents panel lists the active incidents, worst first, and its buttons change the server', async () => {
    const page = await stack.open(DASHBOARD);
    const incidents = panel(page, 'Active incidents').nth(1);
    const rows = incidents.getByRole('row');
    await rows.filter({ hasText: 'Checkout latency' }).waitFor();
    const titles = await rows.allTextContents();
    expect(titles.findIndex((t) => t.includes('Disk full'))).toBeLessThan(
      titles.findIndex((t) => t.includes('Checkout latency'))
    );
    expect(titles.some((t) => t.includes('Old cache miss storm'))).toBe(false);

    const row = rows.filter({ hasText: 'Disk full on db-1' });
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await until(
      'the acknowledgement on the server',
      async () => (await stack.api.getIncident(diskFull)).acknowledged_by === 'dashboard'
    );

    await row.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Resolution notes').fill('Rotated the logs');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    const resolved = await untilStatus(stack.api, diskFull, 'resolved');
    expect(resolved.resolved_by).toBe('dashboard');
    await rows.filter({ hasText: 'Disk full on db-1' }).waitFor({ state: 'detached' });
  });

  test('on a narrow screen the panel is a compact list with one menu per incident', async () => {
    const page = await stack.open(DASHBOARD, { width: 760, height: 900 });
    const incidents = panel(page, 'Active incidents').nth(1);
    const menu = incidents.getByRole('button', { name: 'Respond to Checkout latency' });
    await menu.waitFor();
    expect(await incidents.getByRole('columnheader').count()).toBe(0);
    await menu.click();
    await page.getByRole('menuitem', { name: 'Assign' }).waitFor();
    await screenshot(page, 'dashboard-narrow');
  });
});
