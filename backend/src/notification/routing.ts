import type { IncidentRecord } from '../domain/records';
import type { Severity } from '../schema/enums';
import type { Channel, ChannelType, NotificationKind } from './channel';
import type { Route } from './config';

/**
 * The severity guide: low is logged; medium and high go to Slack and the log; critical also
 * pages PagerDuty. Email and webhook receivers, which the guide does not name, get medium and above.
 */
export const SEVERITY_GUIDE: Record<Severity, readonly ChannelType[]> = {
  low: ['log'],
  medium: ['slack', 'email', 'webhook', 'log'],
  high: ['slack', 'email', 'webhook', 'log'],
  critical: ['pagerduty', 'slack', 'email', 'webhook', 'log'],
};

function matches(route: Route, inc: IncidentRecord, kind: NotificationKind): boolean {
  const m = route.match;
  return (
    (!m.severity || m.severity.includes(inc.severity)) &&
    (!m.incident_type || m.incident_type.includes(inc.incident_type)) &&
    (!m.component || inc.affected_components.some((c) => m.component!.includes(c))) &&
    (!m.kind || m.kind.includes(kind))
  );
}

/**
 * Which receivers hear about a change: the configured routes in order (first match wins unless it
 * continues), else the severity guide; plus, for acknowledgements and resolutions, everyone who heard
 * of the incident before. Only receivers whose channel takes this kind are kept.
 */
export function receiversFor(
  inc: IncidentRecord,
  kind: NotificationKind,
  channels: ReadonlyMap<string, Channel>,
  routes: readonly Route[],
  notifiedBefore: readonly string[]
): string[] {
  const out = new Set<string>();
  let matched = false;
  for (const r of routes) {
    if (matches(r, inc, kind)) {
      matched = true;
      r.receivers.forEach((n) => out.add(n));
      if (!r.continue) {
        break;
      }
    }
  }
  if (!matched) {
    const types = SEVERITY_GUIDE[inc.severity];
    for (const ch of channels.values()) {
      if (types.includes(ch.type)) {
        out.add(ch.name);
      }
    }
  }
  if (kind === 'resolved' || kind === 'acknowledged') {
    notifiedBefore.forEach((n) => out.add(n));
  }
  return [...out].filter((n) => channels.get(n)?.accepts(kind));
}
