import React, { Suspense, useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { PluginType, ThemeContext, type AppRootProps, type GrafanaTheme2 } from '@grafana/data';
import { config } from '@grafana/runtime';
import { Button, GlobalStyles, LoadingPlaceholder, Tab, TabsBar, useStyles2 } from '@grafana/ui';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { createDirectClient, type IncidentsApi } from '../api/client';
import { ClientProvider } from '../api/context';
import App from '../components/App/App';
import appPluginJson from '../plugin.json';
import { DASHBOARD } from './dashboard/dashboardModel';
import { DashboardPage } from './dashboard/DashboardPage';
import { KeyPrompt } from './KeyPrompt';
import { NAV, currentNav } from './nav';
import { checkAccess, storedKey, storeKey } from './session';

/** The pages' client: the backend that serves them, with the tab's key, or acting as `user` without one. */
function useDirectClient(user: string, key: string | undefined): IncidentsApi {
  return useMemo(
    () => createDirectClient({ url: window.location.origin, apiKey: key, actor: key ? undefined : user }),
    [user, key]
  );
}

/**
 * Grafana sends clicks on its own links through its router instead of loading the page again; the
 * host does the same for the links the pages draw (LinkButton, TextLink, plain anchors).
 */
function useInAppLinks(): void {
  const navigate = useNavigate();
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      const anchor = (event.target as Element | null)?.closest?.('a');
      if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
        return;
      }
      const url = new URL(anchor.href, window.location.href);
      if (url.origin !== window.location.origin || anchor.target || anchor.hasAttribute('download')) {
        return;
      }
      event.preventDefault();
      navigate(url.pathname + url.search + url.hash);
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, [navigate]);
}

/** What Grafana hands the app's root page (the pages read none of it but the base path). */
const APP_PROPS = {
  basename: `/a/${appPluginJson.id}`,
  meta: { id: appPluginJson.id, name: appPluginJson.name, type: PluginType.app, enabled: true, jsonData: {} },
} as unknown as AppRootProps;

function Chrome({ onSignOut }: { onSignOut?: () => void }) {
  const s = useStyles2(getStyles);
  const { pathname } = useLocation();
  const here = currentNav(pathname);
  useInAppLinks();
  return (
    <div className={s.chrome}>
      <header className={s.top}>
        <img src="/public/plugins/mahavishnu-incidents-app/img/logo.svg" alt="" className={s.logo} />
        <span className={s.name}>{appPluginJson.name}</span>
        {onSignOut && (
          <Button className={s.signOut} variant="secondary" fill="text" icon="signout" onClick={onSignOut}>
            Sign out
          </Button>
        )}
      </header>
      <TabsBar className={s.tabs}>
        {NAV.map((item) => (
          <Tab key={item.path} label={item.text} href={item.path} active={item === here} />
        ))}
      </TabsBar>
      <main>
        <Suspense fallback={<LoadingPlaceholder text="Loading..." />}>
          <Routes>
            <Route path="/" element={<Navigate to={NAV[0].path} replace />} />
            <Route path={`/a/${appPluginJson.id}/*`} element={<App {...APP_PROPS} />} />
            <Route path={`/d/${DASHBOARD.uid}/*`} element={<DashboardPage />} />
            <Route path="*" element={<Navigate to={NAV[0].path} replace />} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

/**
 * The standalone host: Grafana's theme and global styles, a router, the pages' client, the chrome; and,
 * when the backend requires keys, a prompt for one first.
 */
export function Host({ user }: { user: string }) {
  const [key, setKey] = useState(storedKey);
  const [access, setAccess] = useState<'checking' | 'ok' | 'key'>('checking');
  const client = useDirectClient(user, key);
  useEffect(() => {
    checkAccess(user, key).then(setAccess, () => setAccess('ok'));
  }, [user, key]);
  const tryKey = async (candidate: string) => {
    if ((await checkAccess(user, candidate)) !== 'ok') {
      return false;
    }
    storeKey(candidate);
    setKey(candidate);
    return true;
  };
  const signOut = () => {
    storeKey(undefined);
    setKey(undefined);
  };
  return (
    <ThemeContext.Provider value={config.theme2}>
      <GlobalStyles />
      {access === 'checking' && <LoadingPlaceholder text="Connecting..." />}
      {access === 'key' && <KeyPrompt onKey={tryKey} />}
      {access === 'ok' && (
        <ClientProvider client={client}>
          <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
            <Chrome onSignOut={key ? signOut : undefined} />
          </BrowserRouter>
        </ClientProvider>
      )}
    </ThemeContext.Provider>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  chrome: css({ minHeight: '100vh', background: theme.colors.background.canvas }),
  top: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 3),
    background: theme.colors.background.primary,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  logo: css({ width: 24, height: 24 }),
  name: css({ fontSize: theme.typography.h4.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  signOut: css({ marginLeft: 'auto' }),
  tabs: css({ padding: theme.spacing(0, 3), background: theme.colors.background.primary }),
});
