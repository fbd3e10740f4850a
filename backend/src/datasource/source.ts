import type { IncidentRecord, StoredEvent } from '../domain/records';
import type { IncidentListQuery, Stats, TimelineEntry } from '../schema/incidents';
import type { DetectionRule } from '../schema/rules';
import type { Severity } from '../schema/enums';
import type { TimeRange } from './schema';

/**
 * The little the datasource queries read, so that tests can pass plain fakes; the route adapts
 * the services to it. Every method only reads.
 */
export interface QuerySource {
  /** As `GET /api/v1/incidents`: newest first, `since` an ISO time, `status: 'active'` for all active. */
  listIncidents(q: IncidentListQuery): Promise<IncidentRecord[]>;
  /** As `GET /api/v1/stats?since=`. */
  stats(since: string | undefined): Promise<Stats>;
  /** As `GET /api/v1/events`: newest first, `since` in epoch ms. */
  listEvents(q: { since?: number; source?: string; event_type?: string; limit: number }): Promise<StoredEvent[]>;
  /** An incident's timeline in time order; throws a NotFoundError for an unknown incident. */
  timeline(id: string, f: { limit: number }): Promise<TimelineEntry[]>;
  rules(): DetectionRule[];
  /** Epoch ms. */
  now(): number;
}

/** The incident filters that panels may set. */
export interface IncidentFilters {
  status?: IncidentListQuery['status'];
  severity?: Severity;
  type?: IncidentRecord['incident_type'];
  component?: string;
}

/**
 * How many rows a query reads before it drops those after `range.to`: the stores have a lower
 * bound (`since`) but no upper one, and sort newest first, so the cap must be well above the
 * panel's own limit for a range that lies in the past.
 */
export const FETCH_CAP = 10_000;

/** Incidents detected within the range (both ends included), newest first. */
export async function incidentsInRange(src: QuerySource, range: TimeRange, f: IncidentFilters = {}): Promise<IncidentRecord[]> {
  const all = await src.listIncidents({ ...f, since: new Date(range.from).toISOString(), limit: FETCH_CAP });
  return all.filter((i) => i.detected_at >= range.from && i.detected_at <= range.to);
}

/** Incidents still active (neither resolved nor closed), whenever detected. */
export function activeIncidents(src: QuerySource, f: IncidentFilters = {}): Promise<IncidentRecord[]> {
  return src.listIncidents({ ...f, status: 'active', limit: FETCH_CAP });
}

/** Grafana's palette names for each severity, worst first. */
export const SEVERITY_COLORS: Record<Severity, string> = { critical: 'red', high: 'orange', medium: 'yellow', low: 'blue' };

/** The same colours as hex, for annotation regions. */
export const SEVERITY_HEX: Record<Severity, string> = { critical: '#F2495C', high: '#FF9830', medium: '#FADE2A', low: '#5794F2' };

/** Severities worst first, the order panels show them in. */
export const SEVERITIES_WORST_FIRST: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

