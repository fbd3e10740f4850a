import { z } from 'zod';
import { toIncidentDto } from '../../incidents/dto';
import { renderPostmortem } from '../../postmortem/postmortem';
import {
  AcknowledgeSchema,
  AssignSchema,
  CloseSchema,
  IncidentCreateSchema,
  IncidentListQuerySchema,
  IncidentPatchSchema,
  IncidentSchema,
  ResolveSchema,
  StatsSchema,
  TimelineEntrySchema,
  TimelineQuerySchema,
} from '../../schema/incidents';
import { NotFoundError } from '../../util/errors';
import { route, type RouteDef } from '../route';
import type { Services } from '../services';

const IncludeQuery = z.object({
  include: z
    .string()
    .regex(/^(timeline|postmortem|actions)(,(timeline|postmortem|actions))*$/, 'a comma-separated list of timeline, postmortem, actions')
    .optional(),
});

const PostmortemQuery = z.object({ format: z.enum(['markdown', 'json']).default('markdown') });

/** The incidents API of the contract. */
export function incidentRoutes(s: Services): RouteDef[] {
  const one = async (id: string) => toIncidentDto(await s.incidents.get(id));
  return [
    route({
      method: 'get',
      path: '/api/v1/incidents',
      tag: 'incidents',
      summary: 'List incidents, newest first',
      query: IncidentListQuerySchema,
      response: z.array(IncidentSchema),
      handler: async ({ query }) => (await s.incidents.list(query)).map(toIncidentDto),
    }),
    route({
      method: 'post',
      path: '/api/v1/incidents',
      tag: 'incidents',
      summary: 'Create an incident by hand',
      body: IncidentCreateSchema,
      response: IncidentSchema,
      status: 201,
      handler: async ({ body, actor }) => toIncidentDto(await s.incidents.create(body, actor)),
    }),
    route({
      method: 'get',
      path: '/api/v1/incidents/:id',
      tag: 'incidents',
      summary: 'One incident; ?include=timeline,postmortem,actions adds those',
      query: IncludeQuery,
      response: IncidentSchema,
      errors: [404],
      handler: async ({ params, query }) => {
        const inc = await s.incidents.get(params.id);
        const out: Record<string, unknown> = toIncidentDto(inc);
        const include = new Set(query.include?.split(',') ?? []);
        if (include.has('timeline')) {
          out.timeline = await s.incidents.timeline(params.id, { limit: 100_000 });
        }
        if (include.has('postmortem')) {
          out.postmortem = renderPostmortem(inc, await s.incidents.timeline(params.id, { limit: 100_000 })).markdown;
        }
        if (include.has('actions')) {
          out.actions = [];
        }
        return out;
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/incidents/:id',
      tag: 'incidents',
      summary: 'Change status, severity, assignee; add notes',
      body: IncidentPatchSchema,
      response: IncidentSchema,
      errors: [404, 409],
      handler: async ({ params, body, actor }) => toIncidentDto(await s.incidents.patch(params.id, body, actor)),
    }),
    route({
      method: 'post',
      path: '/api/v1/incidents/:id/acknowledge',
      tag: 'incidents',
      summary: 'Acknowledge',
      body: AcknowledgeSchema,
      response: IncidentSchema,
      errors: [404, 409],
      handler: async ({ params, actor }) => toIncidentDto(await s.incidents.acknowledge(params.id, actor)),
    }),
    route({
      method: 'post',
      path: '/api/v1/incidents/:id/assign',
      tag: 'incidents',
      summary: 'Assign ({"assignee": "john.doe"}) or unassign ({"assignee": null})',
      body: AssignSchema,
      response: IncidentSchema,
      errors: [404, 409],
      handler: async ({ params, body, actor }) => toIncidentDto(await s.incidents.assign(params.id, body.assignee, actor)),
    }),
    route({
      method: 'post',
      path: '/api/v1/incidents/:id/resolve',
      tag: 'incidents',
      summary: 'Resolve, with optional notes',
      body: ResolveSchema,
      response: IncidentSchema,
      errors: [404, 409],
      handler: async ({ params, body, actor }) => toIncidentDto(await s.incidents.resolve(params.id, body.notes, actor)),
    }),
    route({
      method: 'post',
      path: '/api/v1/incidents/:id/close',
      tag: 'incidents',
      summary: 'Close a resolved incident (409 otherwise)',
      body: CloseSchema,
      response: IncidentSchema,
      errors: [404, 409],
      handler: async ({ params, body, actor }) => toIncidentDto(await s.incidents.close(params.id, body.notes, actor)),
    }),
    route({
      method: 'get',
      path: '/api/v1/incidents/:id/timeline',
      tag: 'incidents',
      summary: 'Events and lifecycle entries in time order',
      query: TimelineQuerySchema,
      response: z.array(TimelineEntrySchema),
      errors: [404],
      handler: ({ params, query }) => s.incidents.timeline(params.id, query),
    }),
    route({
      method: 'get',
      path: '/api/v1/incidents/:id/postmortem',
      tag: 'incidents',
      summary: 'The post-mortem as markdown, or JSON with ?format=json',
      query: PostmortemQuery,
      produces: 'text/markdown',
      errors: [404],
      handler: async ({ params, query, res }) => {
        const inc = await s.incidents.get(params.id);
        const pm = renderPostmortem(inc, await s.incidents.timeline(params.id, { limit: 100_000 }));
        if (query.format === 'json') {
          return pm;
        }
        res.type('text/markdown; charset=utf-8').send(pm.markdown);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/incidents/:id/actions',
      tag: 'incidents',
      summary: 'Recommended and executed remediation actions (remediation arrives with the AutoResponder)',
      response: z.array(z.record(z.string(), z.unknown())),
      errors: [404],
      handler: async ({ params }) => {
        await one(params.id);
        return [];
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/incidents/:id/actions/:action_id',
      tag: 'incidents',
      summary: 'Execute a remediation action',
      body: z.object({ approved_by: z.string().optional(), dry_run: z.boolean().default(false) }).strict(),
      errors: [404, 409],
      handler: async ({ params }) => {
        await one(params.id);
        throw new NotFoundError(`action ${params.action_id} not found for incident ${params.id}: this incident has no remediation actions`);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/stats',
      tag: 'incidents',
      summary: 'Totals, by severity and type, average MTTD and MTTR, auto-resolved vs manual',
      query: z.object({ since: z.string().optional() }),
      response: StatsSchema,
      handler: ({ query }) => s.incidents.stats(query.since),
    }),
  ];
}
