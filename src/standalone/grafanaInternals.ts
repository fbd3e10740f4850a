import type { PluginPageType } from '@grafana/runtime';
// @ts-expect-error The setter is internal to @grafana/runtime (not in its exports); build.mjs resolves this path.
import * as pluginPage from 'grafana-runtime-internal/plugin-page';

/*
 * What Grafana itself sets at start but @grafana/runtime does not export: the frame drawn around
 * every PluginPage. The standalone build resolves the import to the runtime's own module, so the
 * pages' `PluginPage` and this setter share one binding.
 */
export const setPluginPage: (component: PluginPageType) => void = (
  pluginPage as { setPluginPage: (component: PluginPageType) => void }
).setPluginPage;
