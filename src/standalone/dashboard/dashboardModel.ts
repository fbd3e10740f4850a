import { rangeUtil, type FieldConfigSource, type RawTimeRange, type TimeRange } from '@grafana/data';
import type { IncidentsQuery } from '../../datasources/incidents/types';
import dashboardJson from '../../../provisioning/dashboards/incident-response.json';

/*
 * The "Incident Response" dashboard that provisioning gives Grafana, read by the standalone host:
 * one dashboard, defined once, drawn by Grafana or by the host.
 */

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A panel's query: the datasource it names and, for ours, the incidents query. */
export type PanelTarget = Partial<IncidentsQuery> & { refId: string; datasource?: { type?: string; uid?: string } };

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: GridPos;
  targets?: PanelTarget[];
  options?: Record<string, unknown>;
  fieldConfig?: FieldConfigSource;
}

export interface Dashboard {
  uid: string;
  title: string;
  time: RawTimeRange;
  refresh?: string;
  panels: DashboardPanel[];
}

export const DASHBOARD = dashboardJson as unknown as Dashboard;

/** The dashboard's time range, as of now. */
export function dashboardRange(dashboard: Dashboard = DASHBOARD): TimeRange {
  return rangeUtil.convertRawToRange(dashboard.time);
}

/** How often the dashboard reloads its panels, in milliseconds (none if it says nothing). */
export function refreshMs(dashboard: Dashboard = DASHBOARD): number | undefined {
  return dashboard.refresh ? rangeUtil.intervalToMs(dashboard.refresh) : undefined;
}
