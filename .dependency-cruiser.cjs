/**
 * The backend's import rules, checked in `npm test` (npm run lint:imports): no import cycles (type-only
 * imports count), and the core (the domain model, detection, correlation) names no adapter: no store,
 * HTTP, channel, executor, cluster or config loader.
 */
const CORE = '^backend/src/(domain|detection|correlation)/|^backend/src/engine/(changes|engine-state|escalation-judge|event-step|time-sweep|pending-escalations|mutation-context|incident-records|recent-events|ports)\.ts$';
const ADAPTERS = '^backend/src/(store|api|cluster|notification|remediation|security|ingest|datasource|dashboard|cli|config|metrics|builder\\.ts)';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import cycle', from: {}, to: { circular: true } },
    { name: 'core-imports-no-adapter', severity: 'error', comment: 'the core talks to adapters through its own ports', from: { path: CORE }, to: { path: ADAPTERS } },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
  },
};
