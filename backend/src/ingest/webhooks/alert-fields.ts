import { createHash } from 'node:crypto';
import { INCIDENT_TYPES, type EventSeverity, type IncidentType } from '../../schema/enums';

/** Go's zero time: what Alertmanager and Grafana send as endsAt while an alert fires. */
const ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?(Z|[+-]00:00)$/;

/** Severity label values (lower-cased) that do not map to `medium`. */
const SEVERITY_BY_LABEL: Readonly<Record<string, EventSeverity>> = {
  critical: 'critical',
  error: 'high',
  high: 'high',
  warning: 'medium',
  info: 'low',
  low: 'low',
};

const KNOWN_INCIDENT_TYPES: ReadonlySet<string> = new Set(INCIDENT_TYPES);

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * A label or annotation value, or undefined when absent or empty: Prometheus treats
 * an empty label as no label, so an empty one must not win a fallback chain.
 */
export function nonEmpty(map: Readonly<Record<string, string>>, key: string): string | undefined {
  const value = map[key];
  return value === undefined || value === '' ? undefined : value;
}

/** True when a time is Go's zero time, i.e. "not set". */
export function isZeroTime(time: string): boolean {
  return ZERO_TIME.test(time);
}

/**
 * Event severity from the alert's `severity` label, case-insensitively. Anything
 * unrecognised is `medium` rather than an error: senders invent their own scales,
 * and an alert should never be dropped for its wording.
 */
export function severityFromLabel(label: string | undefined): EventSeverity {
  if (label === undefined) {
    return 'medium';
  }
  const key = label.trim().toLowerCase();
  // Own keys only: `constructor` or `toString` must not find Object.prototype's.
  return Object.hasOwn(SEVERITY_BY_LABEL, key) ? SEVERITY_BY_LABEL[key] : 'medium';
}

/**
 * The `incident_type` label, lower-cased, when it names a known type; otherwise null
 * so that the engine's configurable alertname map (then `custom`) decides instead.
 */
export function incidentTypeFromLabel(label: string | undefined): IncidentType | null {
  const type = label?.trim().toLowerCase();
  return type !== undefined && KNOWN_INCIDENT_TYPES.has(type) ? (type as IncidentType) : null;
}

/** First 12 hex chars of sha256(groupKey): short, but enough to tell groups apart. */
export function groupKeyHash(groupKey: string): string {
  return sha256Hex(groupKey).slice(0, 12);
}

/**
 * A fingerprint for senders that omit one: first 16 hex chars of sha256 over the
 * `k=v` pairs joined by newlines, sorted by label name in code-unit order so it
 * does not depend on the sender's key order or the host's locale.
 */
export function computeFingerprint(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${key}=${labels[key]}`);
  return sha256Hex(pairs.join('\n')).slice(0, 16);
}
