// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

// Jest configuration provided by Grafana scaffolding
const scaffold = require('./.config/jest.config');

/**
 * tsconfig.json's `paths` (`@mahavishnu/wire/...`: the backend's wire types and client) as jest module names,
 * so that they are written in one place; the scaffold's tsconfig sets baseUrl to src/, which they are relative to.
 */
function moduleNamesOfTsconfig() {
  const fs = require('fs');
  const path = require('path');
  const { paths } = JSON.parse(fs.readFileSync(path.join(__dirname, 'tsconfig.json'), 'utf8')).compilerOptions;
  const baseUrl = path.join(__dirname, 'src');
  return Object.fromEntries(
    Object.entries(paths).map(([from, [to]]) =>
      from.endsWith('/*')
        ? [`^${from.slice(0, -2)}/(.*)$`, path.resolve(baseUrl, to.slice(0, -2)) + '/$1']
        : [`^${from}$`, path.resolve(baseUrl, to)]
    )
  );
}

const swcTransform = scaffold.transform['^.+\\.(t|j)sx?$'];

const backendSwcTransform = [
  '@swc/jest',
  {
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

// One jest run for the plugin (src/, jsdom) and the backend (backend/, node).
module.exports = {
  projects: [
    {
      ...scaffold,
      displayName: 'plugin',
      moduleNameMapper: { ...scaffold.moduleNameMapper, ...moduleNamesOfTsconfig() },
      testMatch: [
        '<rootDir>/src/**/__tests__/**/*.{js,jsx,ts,tsx}',
        '<rootDir>/src/**/*.{spec,test,jest}.{js,jsx,ts,tsx}',
      ],
      transform: {
        ...scaffold.transform,
        // d3-color 3.1.1 (pulled in by @grafana/data) ships ES modules as .mjs files
        '^.+\\.mjs$': swcTransform,
      },
    },
    {
      displayName: 'backend',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/backend/**/*.test.ts'],
      // With MAHAVISHNU_TEST_STORE=postgres each backend has its own schema; these drop them at the end.
      globalSetup: '<rootDir>/backend/test/global-setup.ts',
      globalTeardown: '<rootDir>/backend/test/global-teardown.ts',
      transform: {
        '^.+\\.(t|j)sx?$': backendSwcTransform,
        '^.+\\.mjs$': backendSwcTransform,
      },
      // @marcbachmann/cel-js is ESM-only, so it is compiled like our own code
      transformIgnorePatterns: ['/node_modules/(?!(@marcbachmann/cel-js)/)'],
    },
    {
      // The pages in Debian's Chromium, against the real backend serving the built pages.
      displayName: 'browser',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
      transform: { '^.+\\.(t|j)sx?$': backendSwcTransform },
    },
  ],
};
