import { z } from 'zod';
import { toIncidentDto } from '../../incidents/dto';
import { runDto } from '../../remediation/auto-responder';
import { deliveryDto } from '../../notification/delivery-dto';
import { DeliverySchema } from '../../schema/notifications';
import { PostmortemPatchSchema, PostmortemSchema } from '../../schema/postmortem';
import { ActionRunSchema, ExecuteActionSchema, RemediationActionSchema } from '../../schema/remediation';
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
import { route, type RouteDef } from '../route';
import type { Services } from '../services';

const IncludeQuery = z.object({
  include: z
    .string()
    .regex(/^(timeline|postmortem|actions|notifications)(,(timeline|postmortem|actions|notifications))*$/, 'a comma-separated list of timeline, postmortem, actions, notifications')
    .optional(),
});

const PostmortemQuery = z.object({ format: z.enum(['markdown', 'json']).default('markdown') });

/** `since` of the stats: a duration (`1h`) or a time, checked by the service. */
const StatsQuery = z.object({ since: z.string().optional() });

/** The incidents API of the contract. */
export function incidentRoutes(s: Services): RouteDef[] {
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
      summary: 'One incident; ?include=timeline,postmortem,actions,notifications adds those',
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
          out.postmortem = (await s.postmortems.get(params.id)).markdown;
        }
        if (include.has('actions')) {
          out.actions = await s.remediation.list(params.id);
        }
        if (include.has('notifications')) {
          out.notifications = (await s.store.outbox.ofIncident(params.id)).map(deliveryDto);
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
      summary: 'The post-mortem as markdown, or JSON with ?format=json (a draft until the incident is resolved)',
      query: PostmortemQuery,
      produces: 'text/markdown',
      errors: [404],
      handler: async ({ params, query, res }) => {
        const pm = await s.postmortems.get(params.id);
        if (query.format === 'json') {
          return pm;
        }
        res.type('text/markdown; charset=utf-8').send(pm.markdown);
        return undefined;
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/incidents/:id/postmortem',
      tag: 'incidents',
      summary: 'Edit the post-mortem: summary, users impacted, follow-ups, lessons; notes are appended',
      body: PostmortemPatchSchema,
      response: PostmortemSchema,
      errors: [404],
      handler: ({ params, body, actor }) => s.postmortems.patch(params.id, body, actor),
    }),
    route({
      method: 'get',
      path: '/api/v1/incidents/:id/actions',
      tag: 'remediation',
      summary: 'Recommended and executed remediation actions, with risk, approval, state and runs',
      response: z.array(RemediationActionSchema),
      errors: [404],
      handler: ({ params }) => s.remediation.list(params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/incidents/:id/actions/:action_id',
      tag: 'remediation',
      summary: 'Run an action (medium risk needs approved_by of a responder, high of a lead); dry_run shows what it would do',
      body: ExecuteActionSchema,
      response: ActionRunSchema,
      errors: [404, 409, 429],
      handler: async ({ params, body, caller, req }) => {
        const key = req.get('idempotency-key');
        return runDto(await s.remediation.execute(params.id, params.action_id, { ...body, idempotency_key: body.idempotency_key ?? key }, caller));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/incidents/:id/notifications',
      tag: 'notifications',
      summary: 'Delivery history: every notification about the incident, per receiver, with attempts and errors',
      response: z.array(DeliverySchema),
      errors: [404],
      handler: async ({ params }) => {
        await s.incidents.get(params.id);
        return (await s.store.outbox.ofIncident(params.id)).map(deliveryDto);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/stats',
      tag: 'incidents',
      summary: 'Totals, by severity and type, average MTTD and MTTR, auto-resolved vs manual',
      query: StatsQuery,
      response: StatsSchema,
      handler: ({ query }) => s.incidents.stats(query.since),
    }),
  ];
}
