import { writeFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { ApiError } from '../../client/client';
import { INCIDENT_STATUSES, INCIDENT_TYPES, SEVERITIES } from '../../schema/enums';
import type { Incident } from '../../schema/incidents';
import { EXIT, list, positiveInt, UsageError, type CommandSpec } from '../command-table';
import { csv, type Output } from '../output';
import { incidentColumns } from './columns';
import { actionColumns, sectionTable, statsHeading, statsRows, statsSections, TIMELINE_COLUMNS, timelineText } from './incident-views';

/** `--param key=value`, repeatable: collected into one object. */
function param(value: string, previous: unknown): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) {
    throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  }
  return { ...((previous as Record<string, string> | undefined) ?? {}), [value.slice(0, at)]: value.slice(at + 1) };
}

/** An optional argument, or undefined when it was not given (the command table hands that on as ''). */
function given(arg: string | undefined): string | undefined {
  return arg ? arg : undefined;
}

/** A one-line summary of an incident for stderr, next to the JSON on stdout. */
function summary(out: Output, verb: string, i: Incident): void {
  out.note(`${verb} ${i.incident_id} (${i.severity.toUpperCase()} ${i.incident_type}, ${i.status}${i.assigned_to ? `, assigned to ${i.assigned_to}` : ''}): ${i.title}`);
}

/** `mahavishnu incidents list|get|...`: the incident management commands. */
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
  {
    name: 'create',
    description: 'create an incident by hand; prints it as JSON',
    options: [
      { flags: '--type <type>', description: 'incident type, e.g. error_burst (required)', choices: INCIDENT_TYPES },
      { flags: '--severity <severity>', description: 'critical, high, medium or low (required)', choices: SEVERITIES },
      { flags: '--title <title>', description: 'a short title (required)' },
      { flags: '--description <text>', description: 'what is going on' },
      { flags: '--components <list>', description: 'affected components, e.g. api,worker,database', parse: list },
    ],
    async run(ctx, _args, o) {
      const missing = ['type', 'severity', 'title'].filter((k) => o[k] === undefined || o[k] === '');
      if (missing.length) {
        throw new UsageError(`required option${missing.length > 1 ? 's' : ''} ${missing.map((k) => `--${k}`).join(', ')} not specified`);
      }
      const inc = await ctx.client.createIncident({ incident_type: o.type, severity: o.severity, title: o.title, description: o.description, components: o.components });
      summary(ctx.out, 'Created', inc);
      ctx.out.json(inc);
    },
  },
  {
    name: 'update <incident_id>',
    description: 'change status, severity or assignee, or add notes; prints the incident as JSON',
    options: [
      { flags: '--status <status>', description: 'an active status, resolved or closed', choices: INCIDENT_STATUSES },
      { flags: '--severity <severity>', description: 'critical, high, medium or low', choices: SEVERITIES },
      { flags: '--notes <text>', description: 'a note for the timeline and the post-mortem' },
      { flags: '--assigned-to <name>', description: 'who works on it' },
    ],
    async run(ctx, [id], o) {
      if (o.status === undefined && o.severity === undefined && o.notes === undefined && o.assignedTo === undefined) {
        throw new UsageError('nothing to update: give --status, --severity, --notes or --assigned-to');
      }
      const inc = await ctx.client.updateIncident(id, { status: o.status, severity: o.severity, notes: o.notes, assigned_to: o.assignedTo });
      summary(ctx.out, 'Updated', inc);
      ctx.out.json(inc);
    },
  },
  {
    name: 'assign <incident_id> [assignee]',
    description: 'assign an incident to someone, or --unassign it; prints the incident as JSON',
    options: [{ flags: '--unassign', description: 'take the incident off whoever has it' }],
    async run(ctx, [id, arg], o) {
      const assignee = given(arg);
      if ((assignee === undefined) === !o.unassign) {
        throw new UsageError(o.unassign ? 'give an assignee or --unassign, not both' : 'give an assignee, or --unassign');
      }
      const inc = await ctx.client.assign(id, assignee ?? null);
      summary(ctx.out, assignee ? 'Assigned' : 'Unassigned', inc);
      ctx.out.json(inc);
    },
  },
  {
    name: 'acknowledge <incident_id>',
    description: 'acknowledge an incident; prints it as JSON',
    async run(ctx, [id]) {
      const inc = await ctx.client.acknowledge(id);
      ctx.out.note(`Acknowledged ${inc.incident_id}${inc.acknowledged_by ? ` (by ${inc.acknowledged_by})` : ''}`);
      ctx.out.json(inc);
    },
  },
  {
    name: 'mitigate <incident_id>',
    description: 'list the recommended remediation actions, or run (or dry-run) one',
    formats: true,
    options: [
      { flags: '--list-actions', description: 'list the actions with risk, approval, executor and state' },
      { flags: '--action <action_id>', description: 'the action to run, e.g. scale_up' },
      { flags: '--approved-by <name>', description: 'who approves it (medium risk: an on-call responder, high: a team lead)' },
      { flags: '--dry-run', description: 'show what the action would do and do nothing' },
      { flags: '--param <key=value>', description: 'a parameter of the action, e.g. service=api (repeatable)', parse: param },
      { flags: '--idempotency-key <key>', description: 'a repeated request with the same key answers the earlier run' },
    ],
    async run(ctx, [id], o) {
      const runOptions = ['approvedBy', 'dryRun', 'param', 'idempotencyKey'].filter((k) => o[k] !== undefined);
      if (o.listActions) {
        if (o.action !== undefined || runOptions.length) {
          throw new UsageError('--list-actions takes none of --action, --approved-by, --dry-run, --param, --idempotency-key');
        }
        ctx.out.records(await ctx.client.actions(id), actionColumns(ctx.now()), ctx.format);
        return;
      }
      if (o.action === undefined) {
        throw new UsageError('give --list-actions, or --action <action_id> to run one');
      }
      let run;
      try {
        run = await ctx.client.runAction(id, o.action, { approved_by: o.approvedBy, dry_run: Boolean(o.dryRun), params: o.param ?? {}, idempotency_key: o.idempotencyKey });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'approval_required') {
          ctx.out.error(`${err.message} (HTTP ${err.status} ${err.code})`);
          ctx.out.note(`run it again with --approved-by <name> to approve it (or --dry-run to see what it would do)`);
          return EXIT.failed;
        }
        throw err;
      }
      const approved = run.approved_by ? `, approved by ${run.approved_by}` : '';
      const took = run.duration_ms === null ? '' : ` in ${run.duration_ms} ms`;
      ctx.out.note(run.dry_run ? `${run.action_id}: dry run, nothing was done${run.plan ? `; it would do ${JSON.stringify(run.plan)}` : ''}` : `${run.action_id} ${run.status}${took}${approved}${run.detail ? `: ${run.detail}` : ''}`);
      ctx.out.json(run);
      return run.status === 'succeeded' || run.status === 'dry_run' ? EXIT.ok : EXIT.failed;
    },
  },
  {
    name: 'resolve <incident_id>',
    description: 'resolve an incident; prints it as JSON',
    options: [{ flags: '--notes <text>', description: 'how it was resolved' }],
    async run(ctx, [id], o) {
      const inc = await ctx.client.resolve(id, o.notes);
      summary(ctx.out, 'Resolved', inc);
      ctx.out.json(inc);
    },
  },
  {
    name: 'close <incident_id>',
    description: 'close a resolved incident; prints it as JSON',
    options: [{ flags: '--notes <text>', description: 'a closing note' }],
    async run(ctx, [id], o) {
      const inc = await ctx.client.close(id, o.notes);
      summary(ctx.out, 'Closed', inc);
      ctx.out.json(inc);
    },
  },
  {
    name: 'timeline <incident_id>',
    description: "an incident's events and lifecycle entries in time order",
    formats: true,
    options: [
      { flags: '--event-type <type>', description: 'only entries of this event type (e.g. api_error, status_changed)' },
      { flags: '--source <source>', description: 'only entries from this source (lifecycle entries come from mahavishnu)' },
      { flags: '--limit <n>', description: 'most entries to show (the earliest)', parse: positiveInt },
    ],
    async run(ctx, [id], o) {
      const entries = await ctx.client.timeline(id, { event_type: o.eventType, source: o.source, limit: o.limit });
      if (ctx.format === 'json') {
        ctx.out.json(entries);
      } else if (ctx.format === 'csv') {
        ctx.out.records(entries, TIMELINE_COLUMNS, 'csv');
      } else {
        ctx.out.line(timelineText(ctx.out, id, entries).join('\n'));
      }
    },
  },
  {
    name: 'postmortem <incident_id>',
    description: 'the post-mortem as markdown (a draft until the incident is resolved)',
    options: [
      { flags: '--output <file>', description: 'write it to this file instead of stdout' },
      { flags: '--format <format>', description: 'markdown or json', choices: ['markdown', 'json'], default: 'markdown' },
    ],
    async run(ctx, [id], o) {
      const text = o.format === 'json' ? JSON.stringify(await ctx.client.postmortem(id), null, 2) : await ctx.client.postmortemMarkdown(id);
      if (o.output === undefined) {
        ctx.out.line(text.replace(/\n$/, ''));
        return;
      }
      writeFileSync(o.output, text.endsWith('\n') ? text : `${text}\n`);
      ctx.out.note(`Post-mortem of ${id} written to ${o.output}`);
    },
  },
  {
    name: 'stats',
    description: 'incident totals, by severity and type, average MTTD and MTTR',
    formats: true,
    options: [
      { flags: '--since <since>', description: 'only incidents detected since, e.g. 24h, 7d or an ISO time' },
      { flags: '--by-type', description: 'break the totals down by type' },
      { flags: '--by-severity', description: 'break the totals down by severity' },
    ],
    async run(ctx, _args, o) {
      const stats = await ctx.client.stats(o.since);
      if (ctx.format === 'json') {
        ctx.out.json(stats);
        return;
      }
      if (ctx.format === 'csv') {
        ctx.out.line(csv([['Metric', 'Value'], ...statsRows(stats)]));
        return;
      }
      const both = !o.byType && !o.bySeverity;
      ctx.out.line(statsHeading(o.since));
      ctx.out.line(sectionTable(statsSections(ctx.out, stats, { severity: both || Boolean(o.bySeverity), type: both || Boolean(o.byType) })));
    },
  },
];
