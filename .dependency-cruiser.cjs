/**
 * The import rules, checked in `npm test` (npm run lint:imports): no import cycles in the backend or
 * the plugin (type-only imports count), and the backend's core (the domain model, detection,
 * correlation, the workflow, the engine's step) names no adapter: no store, HTTP, channel,
 * executor, cluster, metrics or config module. It reaches them through its ports (engine/ports.ts,
 * workflow/ports.ts).
 */
const CORE = '^backend/src/(domain|detection|correlation|workflow)/|^backend/src/engine/(changes|engine-state|escalation-judge|event-step|time-sweep|pending-escalations|mutation-context|incident-records|recent-events|ports)\\.ts$';
const ADAPTERS = '^backend/src/(store|api|cluster|notification|remediation|security|ingest|datasource|dashboard|cli|config|metrics|builder\\.ts)';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'an import cycle', from: {}, to: { circular: true } },
    { name: 'core-imports-no-adapter', severity: 'error', comment: 'the core talks to adapters through its own ports', from: { path: CORE }, to: { path: ADAPTERS } },
  ],
  options: {
    tsPreCompilationDeps: true,
    // The plugin reaches the wire types through tsconfig.json's paths (@mahavishnu/wire/*).
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
