import fs from 'fs';
import path from 'path';

/*
 * Test support lives in src/testing/ (and beside the tests), where nothing that ships imports it. This
 * test builds nothing: it reads what `npm run build:plugin` left in dist/ (and the standalone pages of
 * `npm run build:pages`, when they are built), and checks from the source maps that none of it came in.
 */

const ROOT = path.resolve(__dirname, '..');
const PLUGIN_DIST = path.join(ROOT, 'dist');
const PAGES_DIST = path.join(ROOT, 'backend', 'dist', 'pages');

/** Source paths of test support: the src/testing/ folder, the fakes and frames by name, and test files. */
const TEST_SUPPORT = [/(^|\/)testing\//, /fakeClient/, /testFrames/, /\.(test|spec)\.[jt]sx?$/];

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(file) : [file];
  });
}

/** Every bundled module of our own (not of node_modules) named in the source maps under `dir`, with its map. */
function bundledSources(dir: string): Array<{ map: string; source: string }> {
  return filesUnder(dir)
    .filter((file) => file.endsWith('.js.map'))
    .flatMap((map) => {
      const { sources = [] } = JSON.parse(fs.readFileSync(map, 'utf8')) as { sources?: string[] };
      return sources
        .filter((source) => !source.includes('node_modules'))
        .map((source) => ({ map: path.relative(ROOT, map), source }));
    });
}

function testSupportIn(dir: string): Array<{ map: string; source: string }> {
  return bundledSources(dir).filter(({ source }) => TEST_SUPPORT.some((pattern) => pattern.test(source)));
}

describe('the shipped plugin', () => {
  it('is built, so that it can be checked', () => {
    if (!fs.existsSync(path.join(PLUGIN_DIST, 'module.js'))) {
      throw new Error('dist/ has no built plugin: run `npm run build:plugin` before this test (npm test does)');
    }
    // The maps are what the check reads: a build without them would pass it unread.
    expect(bundledSources(PLUGIN_DIST).some(({ source }) => source.endsWith('module.tsx'))).toBe(true);
  });

  it('holds no test support', () => {
    expect(testSupportIn(PLUGIN_DIST)).toEqual([]);
  });

  it('nor do the standalone pages, when they are built', () => {
    const built = fs.existsSync(PAGES_DIST);
    expect(built ? testSupportIn(PAGES_DIST) : []).toEqual([]);
  });
});
