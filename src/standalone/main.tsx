// First: @grafana/runtime reads the boot data when it loads.
import { STANDALONE_USER } from './boot';
import React from 'react';
import { createRoot } from 'react-dom/client';
import { setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { setPluginPage } from './grafanaInternals';
import { createBackendSrv } from './backendSrv';
import { Host } from './Host';
import { StandalonePage } from './StandalonePage';
import { AllValuesTemplateSrv } from './templateSrv';

/*
 * The plugin's pages outside Grafana, served by the backend at `/`: the host sets the services Grafana
 * sets at start (BackendSrv, TemplateSrv, the PluginPage frame), then renders the pages.
 */
setBackendSrv(createBackendSrv(STANDALONE_USER));
setTemplateSrv(new AllValuesTemplateSrv());
setPluginPage(StandalonePage);

createRoot(document.getElementById('root')!).render(<Host user={STANDALONE_USER} />);
