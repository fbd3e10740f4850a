/*
 * What Grafana's index.html sets before its scripts run. `@grafana/runtime` reads it once, when its
 * `config` module loads, so this module is imported first by main.tsx.
 */

/** The person the standalone pages act as; the backend records them on every change they make. */
export const STANDALONE_USER = 'dashboard';

const bootData = {
  assets: { dark: '', light: '' },
  navTree: [],
  settings: {
    appSubUrl: '',
    appUrl: `${window.location.origin}/`,
    buildInfo: { version: 'standalone', edition: 'Open Source', env: 'production' },
    featureToggles: {},
    datasources: {},
    panels: {},
  },
  user: {
    id: 1,
    login: STANDALONE_USER,
    name: STANDALONE_USER,
    email: '',
    theme: 'dark',
    timezone: 'browser',
    weekStart: 'monday',
    locale: 'en-US',
    language: 'en-US',
    regionalFormat: 'en-US',
    orgId: 1,
    orgName: 'Standalone',
    orgRole: 'Admin',
    isSignedIn: true,
    isGrafanaAdmin: false,
    permissions: {},
  },
};

(window as unknown as { grafanaBootData: typeof bootData }).grafanaBootData = bootData;
