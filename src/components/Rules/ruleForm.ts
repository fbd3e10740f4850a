import type { IncidentType, Severity } from '@mahavishnu/wire/enums';
import type { IncidentsApi } from '../../api/client';

/** The body of `POST /api/v1/rules`, as the backend's schema takes it. */
export type RuleCreateBody = Parameters<IncidentsApi['createRule']>[0];

/** A custom rule as its form holds it: text as typed, lists comma-separated. */
export interface RuleForm {
  rule_id: string;
  name: string;
  description: string;
  incident_type: IncidentType;
  severity: Severity;
  error_threshold: string;
  time_window_seconds: string;
  event_types: string;
  sources: string;
  enabled: boolean;
}

export const EMPTY_RULE_FORM: RuleForm = {
  rule_id: '',
  name: '',
  description: '',
  incident_type: 'custom',
  severity: 'medium',
  error_threshold: '10',
  time_window_seconds: '300',
  event_types: '',
  sources: '',
  enabled: true,
};

/** Errors keyed by the field's path in the request body, as the backend's 400 names them (`match.event_types`). */
export type FieldErrors = Record<string, string>;

/** The form's own checks, the backend's limits among them, so most mistakes are shown before a request. */
export function validateRuleForm(form: RuleForm): FieldErrors {
  const errors: FieldErrors = {};
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(form.rule_id)) {
    errors.rule_id = 'letters, digits, _ . : - (at most 128)';
  }
  if (!form.name.trim()) {
    errors.name = 'a rule needs a name';
  }
  const threshold = thresholdError(form.error_threshold);
  if (threshold) {
    errors.error_threshold = threshold;
  }
  const window = windowError(form.time_window_seconds);
  if (window) {
    errors.time_window_seconds = window;
  }
  if (list(form.event_types).length === 0) {
    errors['match.event_types'] = 'at least one event type (globs such as db_* allowed)';
  }
  return errors;
}

/** The request body of a form that passed `validateRuleForm`. */
export function ruleFormToBody(form: RuleForm): RuleCreateBody {
  const sources = list(form.sources);
  return {
    rule_id: form.rule_id,
    name: form.name.trim(),
    description: form.description.trim(),
    incident_type: form.incident_type,
    severity: form.severity,
    error_threshold: Number(form.error_threshold),
    time_window_seconds: Number(form.time_window_seconds),
    enabled: form.enabled,
    match: { event_types: list(form.event_types), ...(sources.length ? { sources } : {}) },
  };
}

/** What is wrong with a typed threshold, if anything (the backend's limits). */
export function thresholdError(text: string): string | undefined {
  const n = wholeNumber(text);
  return n === undefined || n < 1 || n > 1_000_000 ? 'a whole number from 1 to 1,000,000' : undefined;
}

/** What is wrong with a typed window in seconds, if anything (the backend's limits). */
export function windowError(text: string): string | undefined {
  const n = wholeNumber(text);
  return n === undefined || n < 1 || n > 7 * 24 * 3600
    ? 'a whole number of seconds from 1 to 604,800 (7 days)'
    : undefined;
}

/** A whole number typed in a box, or undefined when it is not one. */
export function wholeNumber(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
