import { Environment } from '@marcbachmann/cel-js';
import type { StoredEvent } from '../domain/records';
import { severityRank, type Severity } from '../schema/enums';
import type { Escalation } from '../schema/rules';
import { ValidationError } from '../util/errors';

/** What an escalation condition can see. */
export interface EscalationContext {
  event?: {
    event_type: string;
    source: string;
    severity: string;
    message: string;
    metadata: Record<string, unknown>;
    correlation_id: string | null;
  };
  window?: { count: number; sources: number; error_ratio: number };
  incident: {
    incident_type: string;
    severity: string;
    event_count: number;
    age_seconds: number;
    seconds_since_last_event: number;
    receiving_events: boolean;
    affected_components: string[];
  };
  prolonged_seconds: number;
}

/** What the context needs to know of an incident. */
export interface EscalationSubject {
  incident_type: string;
  severity: string;
  event_count: number;
  detected_at: number;
  last_event_at: number | null;
  affected_components: string[];
}

/**
 * The variables an escalation condition sees at `now`: the incident, the event that attaches (none in
 * a sweep) and the rule's window statistics when they were computed. An incident is "receiving
 * events" while its last event is younger than the rule's window.
 */
export function escalationContext(
  inc: EscalationSubject,
  now: number,
  windowSeconds: number,
  prolongedSeconds: number,
  e?: StoredEvent,
  window?: EscalationContext['window']
): EscalationContext {
  const sinceLast = inc.last_event_at === null ? Infinity : (now - inc.last_event_at) / 1000;
  const ctx: EscalationContext = {
    incident: {
      incident_type: inc.incident_type,
      severity: inc.severity,
      event_count: inc.event_count,
      age_seconds: (now - inc.detected_at) / 1000,
      seconds_since_last_event: sinceLast,
      receiving_events: sinceLast < windowSeconds,
      affected_components: inc.affected_components,
    },
    prolonged_seconds: prolongedSeconds,
  };
  if (e) {
    const { event_type, source, severity, message, metadata, correlation_id } = e;
    ctx.event = { event_type, source, severity, message, metadata, correlation_id };
  }
  if (window) {
    ctx.window = window;
  }
  return ctx;
}

/** The escalations that could still raise an incident now at `current`. */
export function above(current: Severity, escalations: Escalation[]): Escalation[] {
  return escalations.filter((esc) => severityRank(esc.to) > severityRank(current));
}

type Compiled = (ctx: Record<string, unknown>) => unknown;

const env = new Environment({ unlistedVariablesAreDyn: true });
const cache = new Map<string, Compiled>();

function compile(expression: string): Compiled {
  let fn = cache.get(expression);
  if (!fn) {
    fn = env.parse(expression) as unknown as Compiled;
    cache.set(expression, fn);
  }
  return fn;
}

/** Rejects an escalation whose condition is not valid CEL, naming it. */
export function validateEscalations(escalations: Escalation[] | null | undefined, field = 'escalations'): void {
  (escalations ?? []).forEach((esc, i) => {
    try {
      compile(esc.when);
    } catch (err) {
      const message = `not a valid CEL expression: ${(err as Error).message.split('\n')[0]}`;
      throw new ValidationError(`${field}[${i}].when: ${message}`, [{ field: `${field}[${i}].when`, message }]);
    }
  });
}

/** True when the condition holds; a condition that fails to evaluate (missing key, wrong type) does not. */
export function conditionHolds(expression: string, ctx: EscalationContext): boolean {
  try {
    return compile(expression)(ctx as unknown as Record<string, unknown>) === true;
  } catch {
    return false;
  }
}

/** Whether the escalations need the window statistics (computing them costs a scan). */
export function needsWindowStats(escalations: Escalation[]): boolean {
  return escalations.some((e) => e.when.includes('window.'));
}

/** The highest severity above `current` whose condition holds, or null when none rises. */
export function escalate(current: Severity, escalations: Escalation[], ctx: EscalationContext): Escalation | null {
  let best: Escalation | null = null;
  for (const esc of escalations) {
    if (severityRank(esc.to) <= severityRank(best?.to ?? current)) {
      continue;
    }
    if (conditionHolds(esc.when, ctx)) {
      best = esc;
    }
  }
  return best;
}
