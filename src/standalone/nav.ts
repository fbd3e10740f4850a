import appPluginJson from '../plugin.json';
import dashboard from '../../provisioning/dashboards/incident-response.json';

/** A page of the standalone host's navigation. */
export interface NavItem {
  text: string;
  path: string;
}

/** The app's pages in Grafana's navigation (plugin.json `includes`), then the provisioned dashboard. */
export const NAV: NavItem[] = [
  ...appPluginJson.includes
    .filter((item) => item.type === 'page' && item.addToNav && item.path?.startsWith('/a/'))
    .map((item) => ({ text: item.name, path: item.path!.replace('%PLUGIN_ID%', appPluginJson.id) })),
  { text: dashboard.title, path: `/d/${dashboard.uid}` },
];

/** The nav item of a path: the longest whose path starts it. */
export function currentNav(pathname: string): NavItem | undefined {
  return NAV.filter((item) => pathname === item.path || pathname.startsWith(`${item.path}/`)).sort(
    (a, b) => b.path.length - a.path.length
  )[0];
}
