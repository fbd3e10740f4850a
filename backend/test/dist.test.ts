import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * The built backend ships no test support: receivers, fixtures and contexts that tests use live in
 * `testing/` folders and `test-*.ts` files, which backend/tsconfig.build.json leaves out, and nothing
 * that ships imports them (tsc would compile an imported one anyway, and this test would see it).
 */

const DIST = join(__dirname, '..', 'dist');
const TEST_SUPPORT = [/(^|\/)testing\//, /(^|\/)test-[^/]*\.js$/, /\.test\.js$/];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(file) : [file];
  });
}

describe('the built backend', () => {
  it('is built, so that it can be checked', () => {
    if (!existsSync(join(DIST, 'builder.js'))) {
      throw new Error('backend/dist has no build: run `npm run build:backend` before this test (npm test does)');
    }
  });

  it('holds no test support', () => {
    const shipped = filesUnder(DIST).map((f) => relative(DIST, f));
    expect(shipped.filter((f) => TEST_SUPPORT.some((p) => p.test(f)))).toEqual([]);
  });
});
