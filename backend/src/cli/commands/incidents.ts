import { INCIDENT_STATUSES, INCIDENT_TYPES, SEVERITIES } from '../../schema/enums';
import { positiveInt, type CommandSpec } from '../command-table';
import { incidentColumns } from './columns';

/** `mahavishnu incidents list|get|...`: the spec's incident management commands. */
export const INCIDENT_COMMANDS: CommandSpec[] = [
  {
    name: 'list',
    description: 'list incidents, newest first',
    formats: true,
    options: [
      { flags: '--status <status>', description: 'a status, or active', choices: [...INCIDENT_STATUSES, 'active'] },
      { flags: '--severity <severity>', description: 'critical, high, medium or low', choices: SEVERITIES },
      { flags: '--type <type>', description: 'incident type, e.g. error_burst', choices: INCIDENT_TYPES },
      { flags: '--component <name>', description: 'only incidents affecting this component' },
      { flags: '--since <since>', description: 'e.g. 1h, 7d or an ISO time' },
      { flags: '--limit <n>', description: 'most incidents to show', parse: positiveInt, default: 100 },
    ],
    async run(ctx, _args, o) {
      const list = await ctx.client.listIncidents({ status: o.status, severity: o.severity, type: o.type, component: o.component, since: o.since, limit: o.limit });
      ctx.out.records(list, incidentColumns(ctx.out, ctx.now()), ctx.format);
    },
  },
  {
    name: 'get <incident_id>',
    description: 'show one incident as JSON',
    options: [
      { flags: '--timeline', description: 'include the timeline' },
      { flags: '--postmortem', description: 'include the post-mortem' },
      { flags: '--full', description: 'include everything: timeline, post-mortem, actions, notifications' },
    ],
    async run(ctx, [id], o) {
      const include = o.full ? (['timeline', 'postmortem', 'actions', 'notifications'] as const) : ([...(o.timeline ? ['timeline'] : []), ...(o.postmortem ? ['postmortem'] : [])] as const);
      ctx.out.json(await ctx.client.getIncident(id, [...include] as Array<'timeline' | 'postmortem' | 'actions' | 'notifications'>));
    },
  },
];
