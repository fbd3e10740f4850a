import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MahavishnuClient } from '../../backend/src/client/client';
import { PAGES_DIR } from '../../backend/src/dashboard/pages';
import type { Incident } from '../../backend/src/schema/incidents';
import { spawnBackend, until, type BackendProcess } from '../../backend/test/process';

/*
 * The browser tests' stack: the real backend as its own process (serving the built pages at `/`),
 * Debian's Chromium driven by playwright-core, and the backend's typed client to check what a click
 * changed on the server.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium as root on a machine with no network but loopback. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long a page may take to show what a test waits for, on a loaded CI machine. */
export const UI_TIMEOUT = 15_000;

export interface Stack {
  backend: BackendProcess;
  /** The backend's API, as another user (`api-test`) than the pages (`dashboard`). */
  api: MahavishnuClient;
  browser: Browser;
  /** A new page at `path`; errors thrown in it are collected in `pageErrors`. */
  open(path: string, viewport?: { width: number; height: number }): Promise<Page>;
  pageErrors: string[];
  close(): Promise<void>;
}

/** Starts the backend (with `configYaml`, if any) and Chromium. */
export async function startStack(configYaml?: string): Promise<Stack> {
  if (!existsSync(join(PAGES_DIR, 'index.html'))) {
    throw new Error(`${PAGES_DIR} is missing: run \`npm run build\` first (npm test does)`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: \`apt-get install -y chromium\` (.ci/run does), or set CHROMIUM_PATH`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-browser-'));
  const env: Record<string, string> = {};
  if (configYaml) {
    env.MAHAVISHNU_CONFIG = join(dir, 'config.yaml');
    writeFileSync(env.MAHAVISHNU_CONFIG, configYaml);
  }
  const backend = await spawnBackend(join(dir, 'data'), env);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ baseURL: backend.url, viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT);
  const pageErrors: string[] = [];
  return {
    backend,
    api: new MahavishnuClient({ url: backend.url, actor: 'api-test' }),
    browser,
    pageErrors,
    async open(path, viewport) {
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(`${path}: ${err.message}`));
      if (viewport) {
        await page.setViewportSize(viewport);
      }
      await page.goto(path);
      return page;
    },
    async close() {
      await browser.close();
      await backend.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as `name`.png where SCREENSHOTS_DIR says (the README's pictures); else nothing. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS_DIR;
  if (dir) {
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }
}

/** The incident once the server has it in `status` (a click's effect arrives after the click). */
export function untilStatus(api: MahavishnuClient, id: string, status: Incident['status']): Promise<Incident> {
  return until(`${id} ${status} on the server`, async () => {
    const incident = await api.getIncident(id);
    return incident.status === status ? incident : null;
  });
}
