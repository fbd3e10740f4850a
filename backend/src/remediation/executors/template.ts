import { z } from 'zod';
import type { ActionContext } from '../executor';
import { IncidentSchema } from '../../schema/incidents';

/**
 * What a template can name: `incident.<field>`, `params.<name>`, `action_id`, `run_id`,
 * `idempotency_key` and `actor`. The same shape as an action's context.
 */
export type TemplateVars = ActionContext;

/** A JSON value as config files hold it (bodies of http actions). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// `{{ a.b }}`; whatever sits between the braces is captured so a malformed path is reported, not skipped.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const SCALAR_ROOTS = new Set(['action_id', 'run_id', 'idempotency_key', 'actor']);

/** Incident fields whose value is an object: any subpath of these may be named (e.g. `root_cause.primary_source`). */
function isObjectField(field: z.ZodType): boolean {
  let t = field;
  while (t instanceof z.ZodNullable || t instanceof z.ZodOptional) t = t.unwrap() as z.ZodType;
  return t instanceof z.ZodObject;
}

const INCIDENT_FIELDS = new Map(
  Object.entries(IncidentSchema.shape).map(([name, schema]) => [name, isObjectField(schema)] as const)
);

/** Whether `path` names something a template may show; the rule behind checkTemplate and renderTemplate. */
function isAllowedPath(path: string): boolean {
  if (!PATH.test(path)) return false;
  const [root, ...rest] = path.split('.');
  if (SCALAR_ROOTS.has(root)) return rest.length === 0;
  if (root === 'params') return rest.length === 1;
  if (root === 'incident' && rest.length >= 1) {
    const nested = INCIDENT_FIELDS.get(rest[0]);
    if (nested === undefined) return false;
    return rest.length === 1 || nested;
  }
  return false;
}

/**
 * Checks every `{{ path }}` in `text` against the allowed roots, so a config can be refused at load
 * rather than render nonsense at run time. Returns a message naming the first path that is not
 * allowed, or null when all are.
 */
export function checkTemplate(text: string): string | null {
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!isAllowedPath(match[1])) {
      return `template path '${match[1]}' is not allowed (use incident.<field>, params.<name>, action_id, run_id, idempotency_key or actor)`;
    }
  }
  return null;
}

/** checkTemplate over every string leaf of a JSON value. */
export function checkJsonTemplate(value: JsonValue): string | null {
  if (typeof value === 'string') return checkTemplate(value);
  if (value === null || typeof value !== 'object') return null;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const problem = checkJsonTemplate(item);
    if (problem) return problem;
  }
  return null;
}

function lookup(vars: TemplateVars, path: string): unknown {
  let current: unknown = vars;
  for (const segment of path.split('.')) {
    // Own properties only: a path must never reach a prototype (`constructor`, `__proto__`).
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(stringify).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Replaces each `{{ path }}` with the value at that path: arrays joined with ',', objects as JSON,
 * null and undefined as ''. Each substituted value (never the template's own text) goes through
 * `encode`, e.g. encodeURIComponent for URLs.
 *
 * A param the request did not give renders as '' (actions declare their params elsewhere; a missing
 * optional one must not break the run). A path checkTemplate would refuse also renders as '', so a
 * template that slipped past the load check cannot reach into anything else.
 */
export function renderTemplate(text: string, vars: TemplateVars, encode: (s: string) => string = (s) => s): string {
  return text.replace(PLACEHOLDER, (_whole, path: string) =>
    encode(isAllowedPath(path) ? stringify(lookup(vars, path)) : '')
  );
}

/**
 * Renders every string leaf of a JSON value; keys are left as written. Values are substituted into
 * the parsed structure, so quotes or braces in them cannot change the shape of the JSON sent.
 */
export function renderJson(value: JsonValue, vars: TemplateVars): JsonValue {
  if (typeof value === 'string') return renderTemplate(value, vars);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => renderJson(item, vars));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderJson(item, vars)]));
}
