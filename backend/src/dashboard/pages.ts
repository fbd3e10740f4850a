import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Request, type Response } from 'express';

/** Where `npm run build:pages` puts the plugin's pages with their standalone host (from src/ and dist/ alike). */
export const PAGES_DIR = resolve(__dirname, '../../dist/pages');

/** The paths the pages route in the browser: the app's pages and the dashboard, as in Grafana. */
const PAGE_PATHS = ['/', '/a/*page', '/d/*page'];

/**
 * The dashboard: the Grafana app plugin's pages, served standalone. Their files as they are,
 * and `index.html` for every path the pages route themselves, so a shared link opens its page.
 */
export function dashboardPages(dir: string = PAGES_DIR): express.Router {
  const router = express.Router();
  const index = join(dir, 'index.html');
  router.use(express.static(dir, { index: false, maxAge: '1h', fallthrough: true }));
  router.get(PAGE_PATHS, (_req: Request, res: Response) => {
    if (!existsSync(index)) {
      res
        .status(404)
        .type('text/plain')
        .send('The dashboard pages are not built here: run `npm run build:pages` (npm start does), then reload.\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
