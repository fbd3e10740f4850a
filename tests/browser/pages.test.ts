import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { until } from '../../backend/test/process';
import { screenshot, startStack, untilStatus, type Stack } from './harness';

const APP = '/a/mahavishnu-incidents-app';

// Each test drives a real browser against a real backend process.
jest.setTimeout(60_000);

/** Stands in for a cache's admin endpoint that `clear_cache` calls: records each request. */
async function startCacheAdmin(): Promise<{ server: Server; url: string; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

describe('the app pages in a real browser, against the real backend', () => {
  let stack: Stack;
  let cache: Awaited<ReturnType<typeof startCacheAdmin>>;

  beforeAll(async () => {
    cache = await startCacheAdmin();
    stack = await startStack(`
remediation:
  auto_remediation: false
  actions:
    clear_cache:
      executor: { kind: http, method: POST, url: "${cache.url}/flush?incident={{incident.incident_id}}", timeout_seconds: 5 }
security:
  outbound: { allowlist: ['127.0.0.1'] }
`);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    cache?.server.close();
  });

  afterEach(() => {
    // Nothing a page did may have thrown.
    expect(stack.pageErrors).toEqual([]);
  });

  const row = (page: Page, title: string) => page.getByRole('row').filter({ hasText: title });

  test('the overview shows an incident created through the API', async () => {
    await stack.api.createIncident({
      title: 'Payment gateway timeouts',
      severity: 'high',
      incident_type: 'error_burst',
      components: ['payments'],
    });

    const page = await stack.open('/');

    await page.waitForURL(`**${APP}/overview`);
    await page.getByText('Payment gateway timeouts').first().waitFor();
    await expectText(page.getByRole('group', { name: 'Active incidents' }), /1/);
    await expectText(page.getByRole('group', { name: 'System health' }), /./);
    await screenshot(page, 'overview');
  });

  test('filters narrow the list and stay in the URL, so the view can be shared', async () => {
    await stack.api.createIncident({
      title: 'Database down',
      severity: 'critical',
      incident_type: 'service_down',
      components: ['db'],
    });
    await stack.api.createIncident({
      title: 'Slow search',
      severity: 'low',
      incident_type: 'performance_degradation',
      components: ['search'],
    });

    const page = await stack.open(`${APP}/incidents`);
    await row(page, 'Slow search').waitFor();
    await row(page, 'Database down').waitFor();

    await page
      .getByTestId('data-testid pg-incidents-filters')
      .getByRole('radio', { name: 'Critical', exact: true })
      // A click, not check(): the radio is checked once the URL, which holds the filter, has changed.
      .click();

    await page.waitForURL(/severity=critical/);
    await row(page, 'Slow search').waitFor({ state: 'detached' });
    expect(await row(page, 'Database down').count()).toBe(1);
    expect(await row(page, 'Payment gateway timeouts').count()).toBe(0);

    // The shared link opens the same filtered list.
    const shared = await stack.open(new URL(page.url()).pathname + new URL(page.url()).search);
    await row(shared, 'Database down').waitFor();
    expect(await row(shared, 'Slow search').count()).toBe(0);

    const byComponent = await stack.open(`${APP}/incidents`);
    await byComponent.getByLabel('Component').fill('search');
    await byComponent.getByLabel('Component').press('Enter');
    await byComponent.waitForURL(/component=search/);
    await row(byComponent, 'Database down').waitFor({ state: 'detached' });
    expect(await row(byComponent, 'Slow search').count()).toBe(1);
    await screenshot(page, 'incidents');
  });

  test('Acknowledge, Assign, Run action and Resolve change the incident on the server', async () => {
    const created = await stack.api.createIncident({
      title: 'Cache returns stale prices',
      severity: 'medium',
      incident_type: 'cache_failure',
      components: ['cache'],
    });
    const id = created.incident_id;
    const page = await stack.open(`${APP}/incidents/${id}`);
    const controls = page.getByTestId('data-testid pg-incident-controls');

    await controls.getByRole('button', { name: 'Acknowledge' }).click();
    await until('the acknowledgement on the server', async () => (await stack.api.getIncident(id)).acknowledged_by);
    expect((await stack.api.getIncident(id)).acknowledged_by).toBe('dashboard');

    await controls.getByLabel('Assignee').fill('jane.doe');
    await controls.getByRole('button', { name: 'Assign', exact: true }).click();
    await until(
      'the assignment on the server',
      async () => (await stack.api.getIncident(id)).assigned_to === 'jane.doe'
    );

    const clearCache = page.getByTestId('data-testid pg-incident-action-clear_cache');
    await clearCache.getByRole('button', { name: 'Run', exact: true }).click();
    const run = await until('the clear_cache run on the server', async () =>
      (await stack.api.actions(id))
        .find((a) => a.action_id === 'clear_cache')
        ?.runs.find((r) => r.status === 'succeeded')
    );
    expect(run).toMatchObject({ requested_by: 'dashboard', trigger: 'manual', dry_run: false });
    expect(cache.calls).toEqual([`POST /flush?incident=${id}`]);
    await clearCache
      .getByText(/succeeded/i)
      .first()
      .waitFor();

    await controls.getByLabel('Resolution notes').fill('Flushed the price cache');
    await controls.getByRole('button', { name: 'Resolve' }).click();
    const resolved = await untilStatus(stack.api, id, 'resolved');
    expect(resolved.resolved_by).toBe('dashboard');
    await page.getByTestId('data-testid pg-incident-summary').getByText('Resolved', { exact: true }).first().waitFor();
    await screenshot(page, 'incident');
  });

  test('a rule edited in the page changes what the backend detects', async () => {
    const before = (await stack.api.listRules()).find((r) => r.rule_id === 'error_burst')!;
    expect(before.error_threshold).toBeGreaterThan(3);
    const errors = (source: string) =>
      Array.from({ length: 3 }, (_, k) => ({
        source,
        event_type: 'error',
        severity: 'high' as const,
        message: `timeout ${k}`,
      }));
    const opened = async (source: string) =>
      (await stack.api.listIncidents({ component: source })).filter((i) => i.incident_type === 'error_burst');

    await stack.api.postEvents(errors('search-api'));
    expect(await opened('search-api')).toEqual([]);

    const page = await stack.open(`${APP}/rules`);
    await page.getByRole('button', { name: `Edit ${before.name}` }).click();
    const editor = page.getByTestId('data-testid pg-rules-editor');
    await editor.getByLabel('Threshold').fill('3');
    await screenshot(page, 'rules');
    await editor.getByRole('button', { name: 'Save' }).click();
    await until('the new threshold on the server', async () =>
      (await stack.api.listRules()).some((r) => r.rule_id === 'error_burst' && r.error_threshold === 3)
    );

    await stack.api.postEvents(errors('billing-api'));
    expect((await opened('billing-api')).length).toBe(1);
  });
});

/** Waits until the locator's text matches. */
async function expectText(locator: ReturnType<Page['getByRole']>, pattern: RegExp): Promise<void> {
  await until(`text ${pattern} in ${locator}`, async () => pattern.test((await locator.textContent()) ?? ''), 15_000);
}
