import { z } from 'zod';
import { ApiErrorSchema } from '../schema/errors';
import type { RouteDef } from './route';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Invalid request; the error names the field',
  404: 'Not found',
  409: 'Conflict; the error says why',
  413: 'Payload too large',
  503: 'Unavailable',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' });
}

/** The OpenAPI 3 document, generated from the same route table and schemas that validate requests. */
export function buildOpenApi(routes: RouteDef[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { 'application/json': { schema: jsonSchema(ApiErrorSchema, 'output') } };
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const q = jsonSchema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        params.push({ name, in: 'query', required: (q.required ?? []).includes(name), schema: schema as { type: string } });
      }
    }
    const ok = r.status ?? 200;
    const content = r.produces
      ? { [r.produces]: { schema: { type: 'string' } } }
      : r.response
        ? { 'application/json': { schema: jsonSchema(r.response, 'output') } }
        : { 'application/json': { schema: {} } };
    const responses: Record<string, unknown> = { [ok]: { description: STATUS_TEXT[ok] ?? 'OK', ...(ok === 204 ? {} : { content }) } };
    for (const status of [400, ...(r.errors ?? [])]) {
      responses[status] = { description: STATUS_TEXT[status] ?? 'Error', content: error };
    }
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Mahavishnu Incident Response API',
      version,
      description: 'Events in, incidents out: detection, correlation and the incident lifecycle.',
    },
    paths,
  };
}
