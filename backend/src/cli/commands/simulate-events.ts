import { randomUUID } from 'node:crypto';
import type { IncidentEventInput } from '../../schema/events';
import { severityRank, type EventSeverity, type IncidentType } from '../../schema/enums';
import type { DetectionRule } from '../../schema/rules';
import { globToRegExp } from '../../detection/matcher';

/**
 * The rule that would open an incident of `type` from events: among the backend's rules of that
 * type (alert-label rules excepted), an enabled one first, then the one named after the type, then a
 * built-in one. Undefined when no rule has that type.
 */
export function ruleForType(rules: DetectionRule[], type: IncidentType): DetectionRule | undefined {
  const score = (r: DetectionRule) => (r.enabled ? 4 : 0) + (r.rule_id === type ? 2 : 0) + (r.builtin ? 1 : 0);
  return rules
    .filter((r) => r.incident_type === type && !r.from_alert_labels)
    .sort((a, b) => score(b) - score(a))[0];
}

/** A concrete name a glob matches: a leading `*` becomes `api` (`*error` -> `api_error`), any other `*` `simulated`. */
export function concrete(glob: string): string {
  return glob
    .replace(/^\*(?=[A-Za-z0-9])/, 'api_')
    .replace(/^\*/, 'api')
    .replace(/\*/g, 'simulated');
}

/** Whether a name matches one of a rule's globs. */
export function matchesAny(globs: string[], name: string): boolean {
  return globs.some((g) => globToRegExp(g).test(name));
}

export interface SimulationPlan {
  eventTypes: string[];
  components: string[];
  count: number;
  timeSpanSeconds: number;
  severity: EventSeverity;
  /** The end of the span (epoch ms). */
  now: number;
}

/**
 * Events the rule counts: its event types in turn, round robin over the components, spread evenly
 * over the span and ending at `now`, carrying the `=` metadata the rule's match asks for.
 */
export function simulatedEvents(rule: DetectionRule, plan: SimulationPlan): IncidentEventInput[] {
  const run = randomUUID().slice(0, 8);
  const metadata: Record<string, unknown> = { simulated: true };
  for (const m of rule.match.metadata ?? []) {
    if (m.op === '=') {
      setPath(metadata, m.key, m.value);
    }
  }
  const min = rule.match.min_severity;
  const severity = min && severityRank(plan.severity) < severityRank(min) ? min : plan.severity;
  const spanMs = plan.timeSpanSeconds * 1000;
  return Array.from({ length: plan.count }, (_, i) => {
    const eventType = plan.eventTypes[i % plan.eventTypes.length];
    const source = plan.components[i % plan.components.length];
    const at = plan.count === 1 ? plan.now : plan.now - spanMs + Math.round((i * spanMs) / (plan.count - 1));
    return {
      event_id: `sim_${run}_${i + 1}`,
      timestamp: new Date(at).toISOString(),
      event_type: eventType,
      source,
      severity,
      message: `Simulated ${eventType} from ${source} (${i + 1}/${plan.count})`,
      metadata,
    };
  });
}

function setPath(target: Record<string, unknown>, key: string, value: string): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) {
      node[part] = {};
    }
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}
