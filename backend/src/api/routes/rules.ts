import { z } from 'zod';
import {
  DetectionRuleCreateSchema,
  DetectionRulePatchSchema,
  DetectionRuleSchema,
  RuleTestRequestSchema,
  RuleTestResultSchema,
} from '../../schema/rules';
import { route, senderOf, type RouteDef } from '../route';
import type { Services } from '../services';

const ListQuery = z.object({ enabled: z.enum(['true', 'false']).optional() });

/** The rules API of the contract. */
export function ruleRoutes(s: Services): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/rules',
      tag: 'rules',
      summary: 'List rules; ?enabled=true',
      query: ListQuery,
      response: z.array(DetectionRuleSchema),
      handler: ({ query }) => s.rules.list(query.enabled === undefined ? undefined : query.enabled === 'true'),
    }),
    route({
      method: 'get',
      path: '/api/v1/rules/:id',
      tag: 'rules',
      summary: 'One rule',
      response: DetectionRuleSchema,
      errors: [404],
      handler: ({ params }) => s.rules.get(params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/rules',
      access: 'admin',
      tag: 'rules',
      summary: 'Create a custom rule',
      body: DetectionRuleCreateSchema,
      response: DetectionRuleSchema,
      status: 201,
      errors: [409],
      handler: ({ body }) => s.rules.create(body),
    }),
    route({
      method: 'patch',
      path: '/api/v1/rules/:id',
      access: 'admin',
      tag: 'rules',
      summary: 'Change threshold, window, interval, severity, match, ...',
      body: DetectionRulePatchSchema,
      response: DetectionRuleSchema,
      errors: [404],
      handler: ({ params, body }) => s.rules.patch(params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/v1/rules/:id/enable',
      access: 'admin',
      tag: 'rules',
      summary: 'Enable a rule',
      response: DetectionRuleSchema,
      errors: [404],
      handler: ({ params }) => s.rules.setEnabled(params.id, true),
    }),
    route({
      method: 'post',
      path: '/api/v1/rules/:id/disable',
      access: 'admin',
      tag: 'rules',
      summary: 'Disable a rule',
      response: DetectionRuleSchema,
      errors: [404],
      handler: ({ params }) => s.rules.setEnabled(params.id, false),
    }),
    route({
      method: 'delete',
      path: '/api/v1/rules/:id',
      access: 'admin',
      tag: 'rules',
      summary: 'Delete a custom rule (built-ins can only be disabled)',
      status: 204,
      errors: [404, 409],
      handler: async ({ params }) => {
        await s.rules.delete(params.id);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/rules/:id/test',
      tag: 'rules',
      summary: 'Which incidents the rule would open on these events; nothing is stored in a dry run',
      body: RuleTestRequestSchema,
      rawBody: true,
      response: RuleTestResultSchema,
      errors: [404, 413, 503],
      handler: async ({ params, req, caller }) => {
        // Parsed and run on a worker thread: 100,000 events would hold the event loop for seconds.
        const bytes: Uint8Array = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const { result, store } = await s.rules.test(params.id, bytes);
        if (store) {
          await s.ingest.ingestBody(store, senderOf(req, caller));
        }
        return result;
      },
    }),
  ];
}
