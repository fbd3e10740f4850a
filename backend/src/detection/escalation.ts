import { Environment } from '@marcbachmann/cel-js';
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
