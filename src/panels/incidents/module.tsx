import React from 'react';
import { PanelPlugin, type PanelProps } from '@grafana/data';
import { createGrafanaClient } from '../../api/client';
import { ClientProvider } from '../../api/context';
import { IncidentsPanel } from './IncidentsPanel';
import { buildOptions } from './options';
import type { PanelOptions } from './types';

/** The panel reaches the backend through Grafana's BackendSrv and the app's proxy routes. */
const client = createGrafanaClient();

function IncidentsPanelWithClient(props: PanelProps<PanelOptions>) {
  return (
    <ClientProvider client={client}>
      <IncidentsPanel {...props} />
    </ClientProvider>
  );
}

export const plugin = new PanelPlugin<PanelOptions>(IncidentsPanelWithClient).setPanelOptions(buildOptions);
