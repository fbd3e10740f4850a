import { ConfigError, loadConfig, parseConfig } from '../src/config/load';
import { redactedConfig, redactUrlPassword } from '../src/security/redact';
import { startBackend } from './harness';
import { TEST_PG_URL, TEST_STORE } from './test-store';

describe('the store is chosen by configuration', () => {
  test('SQLite by default; PostgreSQL with a URL, which it requires', () => {
    expect(parseConfig({}).store.kind).toBe('sqlite');
    expect(
      parseConfig({ store: { kind: 'postgres', url: 'postgres://root@db:5432/x', schema: 'mahavishnu' } }).store
    ).toMatchObject({
      kind: 'postgres',
      url: 'postgres://root@db:5432/x',
      schema: 'mahavishnu',
    });
    expect(() => parseConfig({ store: { kind: 'postgres' } })).toThrow(
      /store\.url: store\.url is required when store\.kind is postgres/
    );
    expect(() => parseConfig({ store: { kind: 'postgres', url: 'mysql://x' } })).toThrow(ConfigError);
    expect(() => parseConfig({ store: { kind: 'postgres', url: 'postgres://x/y', schema: 'a; drop' } })).toThrow(
      /store\.schema/
    );
  });

  test('MAHAVISHNU_STORE_URL selects PostgreSQL; MAHAVISHNU_STORE_SCHEMA names the schema', () => {
    const config = loadConfig({}, { MAHAVISHNU_STORE_URL: 'postgres://u:pw@db/x', MAHAVISHNU_STORE_SCHEMA: 's1' });
    expect(config.store).toMatchObject({ kind: 'postgres', url: 'postgres://u:pw@db/x', schema: 's1' });
    expect(loadConfig({}, {}).store.kind).toBe('sqlite');
  });

  test("a URL's password shows as (set), the rest of the URL as it is", () => {
    expect(redactUrlPassword('postgres://root@127.0.0.1:5432/test')).toBe('postgres://root@127.0.0.1:5432/test');
    expect(redactUrlPassword('postgres://u:s3cret@db:5432/x')).toBe('postgres://u:(set)@db:5432/x');
    expect(redactUrlPassword('postgres://u:p@ss@db/x')).toBe('postgres://u:(set)@db/x');
    expect(redactUrlPassword('postgresql://db/x?user=u&password=s3cret&sslmode=require')).toBe(
      'postgresql://db/x?user=u&password=(set)&sslmode=require'
    );
    expect(redactUrlPassword('http://host:8080/path@x')).toBe('http://host:8080/path@x');
    const shown = JSON.stringify(
      redactedConfig(parseConfig({ store: { kind: 'postgres', url: 'postgres://u:s3cret@db:5432/x' } }))
    );
    expect(shown).not.toContain('s3cret');
    expect(shown).toContain('postgres://u:(set)@db:5432/x');
  });
});

// Trust authentication takes any password: enough to see that the running backend never shows it.
(TEST_STORE === 'postgres' ? test : test.skip)(
  'on PostgreSQL, GET /api/v1/config shows the store URL without its password',
  async () => {
    const url = TEST_PG_URL.replace('://root@', '://root:hunter2-not-shown@');
    const b = await startBackend({ store: { url } });
    try {
      expect(b.manager.services.config.store.url).toBe(url);
      const r = await b.get('/api/v1/config');
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain('hunter2');
      expect(r.body.store.url).toBe(url.replace(':hunter2-not-shown@', ':(set)@'));
    } finally {
      await b.close();
    }
  }
);
