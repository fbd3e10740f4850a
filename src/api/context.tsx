import React, { createContext, useContext, type ReactNode } from 'react';
import { createPluginClient, type IncidentsApi } from './client';

const ClientContext = createContext<IncidentsApi>(createPluginClient());

/** Gives the pages below it another client than the plugin's own; tests pass a fake here. */
export function ClientProvider({ client, children }: { client: IncidentsApi; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

/** The backend client of the page: the plugin's proxy client unless a `ClientProvider` says otherwise. */
export function useClient(): IncidentsApi {
  return useContext(ClientContext);
}
