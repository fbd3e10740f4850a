import type { z } from 'zod';
import { ApiError } from '../../client/client';
import { BUILTIN_RULES } from '../../detection/builtin-rules';
import { DEFAULT_SEVERITY } from '../../detection/severity-matrix';
import { INCIDENT_TYPES, SEVERITIES, type IncidentType } from '../../schema/enums';
import type { DetectionRuleCreateSchema, DetectionRulePatch } from '../../schema/rules';
import { EXIT, list, positiveInt, UsageError, type CliContext, type CommandSpec } from '../command-table';
import { ruleColumns } from './rule-columns';

/** `rules enable|disable <ids...>`: one line per rule; a rule that fails is reported and the rest still run. */
function switchRules(enabled: boolean): CommandSpec {
  const verb = enabled ? 'enable' : 'disable';
  return {
    name: `${verb} <rule_ids...>`,
    description: `${verb} one or more detection rules`,
    async run(ctx, ids) {
      let failed = false;
      for (const id of ids) {
        try {
          const rule = await ctx.client.setRuleEnabled(id, enabled);
          ctx.out.line(`${rule.rule_id}: ${rule.enabled ? 'enabled' : 'disabled'}`);
        } catch (err) {
          if (!(err instanceof ApiError)) {
            throw err; // unreachable (exit 3) or a bug: the other ids would fail the same way
          }
          ctx.out.error(`${id}: ${err.message} (HTTP ${err.status} ${err.code})`);
          failed = true;
        }
      }
      return failed ? EXIT.failed : EXIT.ok;
    },
  };
}

/** The options that set a rule's numbers, shared by `update` and `create`. */
const TUNING = [
  { flags: '--threshold <n>', description: 'events within the window that open an incident', parse: positiveInt },
  { flags: '--time-window <seconds>', description: 'the sliding window, in seconds', parse: positiveInt },
  { flags: '--check-interval <seconds>', description: 'how often the rule is checked, in seconds', parse: positiveInt },
  { flags: '--severity <severity>', description: 'critical, high, medium or low', choices: SEVERITIES },
  { flags: '--quiet-period <seconds>', description: 'quiet time before recovering and before resolving (default: the window)', parse: positiveInt },
];

function tuning(o: Record<string, any>): DetectionRulePatch {
  const patch: DetectionRulePatch = {};
  if (o.threshold !== undefined) patch.error_threshold = o.threshold;
  if (o.timeWindow !== undefined) patch.time_window_seconds = o.timeWindow;
  if (o.checkInterval !== undefined) patch.check_interval_seconds = o.checkInterval;
  if (o.severity !== undefined) patch.severity = o.severity;
  if (o.quietPeriod !== undefined) patch.quiet_period_seconds = o.quietPeriod;
  return patch;
}

async function createRule(ctx: CliContext, o: Record<string, any>): Promise<void> {
  const type = o.type as IncidentType;
  const missing = [
    ...(o.id ? [] : ['--id']),
    ...(o.name ? [] : ['--name']),
    ...(o.threshold !== undefined ? [] : ['--threshold']),
    ...(o.timeWindow !== undefined ? [] : ['--time-window']),
  ];
  if (missing.length) {
    throw new UsageError(`rules create needs ${missing.join(', ')}`);
  }
  // Without --event-types the rule counts what the built-in rule of its type counts.
  const eventTypes: string[] | undefined = o.eventTypes?.length ? o.eventTypes : BUILTIN_RULES.find((r) => r.incident_type === type && !r.from_alert_labels)?.match.event_types;
  if (!eventTypes) {
    throw new UsageError(`rules create needs --event-types: no built-in rule of type ${type} to take them from`);
  }
  const body = {
    rule_id: o.id,
    name: o.name,
    description: o.description,
    incident_type: type,
    severity: o.severity ?? DEFAULT_SEVERITY[type],
    error_threshold: o.threshold,
    time_window_seconds: o.timeWindow,
    check_interval_seconds: o.checkInterval,
    quiet_period_seconds: o.quietPeriod,
    match: { event_types: eventTypes, ...(o.sources?.length ? { sources: o.sources } : {}) },
    group_by: o.groupBy,
  } satisfies z.input<typeof DetectionRuleCreateSchema>;
  // The server fills the defaults (description, check interval, group_by, ...) and validates every field.
  ctx.out.json(await ctx.client.createRule(body));
}

/** `mahavishnu incidents rules ...`: the detection rules management. */
export const RULE_COMMANDS: CommandSpec[] = [
  {
    name: 'rules',
    description: 'list, show, tune, enable, disable and create detection rules',
    subcommands: [
      {
        name: 'list',
        description: 'list detection rules',
        formats: true,
        options: [{ flags: '--enabled', description: 'only enabled rules' }],
        async run(ctx, _args, o) {
          const rules = await ctx.client.listRules(o.enabled ? true : undefined);
          ctx.out.records(rules, ruleColumns(ctx.out), ctx.format);
        },
      },
      {
        name: 'show <rule_id>',
        description: 'show one detection rule as JSON',
        async run(ctx, [id]) {
          ctx.out.json(await ctx.client.getRule(id));
        },
      },
      switchRules(true),
      switchRules(false),
      {
        name: 'update <rule_id>',
        description: "change a rule's threshold, window, check interval, severity or quiet period; prints the rule",
        options: TUNING,
        async run(ctx, [id], o) {
          const patch = tuning(o);
          if (Object.keys(patch).length === 0) {
            throw new UsageError('nothing to update: give --threshold, --time-window, --check-interval, --severity or --quiet-period');
          }
          ctx.out.json(await ctx.client.updateRule(id, patch));
        },
      },
      {
        name: 'create',
        description: 'create a custom detection rule; prints the rule',
        options: [
          { flags: '--id <rule_id>', description: 'the new rule id (letters, digits, _ . : -)' },
          { flags: '--name <name>', description: 'a human name' },
          { flags: '--description <text>', description: 'what the rule detects' },
          { flags: '--type <incident_type>', description: 'the type of incident it opens', choices: INCIDENT_TYPES, default: 'custom' },
          ...TUNING,
          { flags: '--event-types <types>', description: 'event types it counts, comma separated, * as a wildcard (default: those of the built-in rule of --type)', parse: list },
          { flags: '--sources <sources>', description: 'only events from these sources, comma separated, * as a wildcard', parse: list },
          { flags: '--group-by <fields>', description: 'count separately per field: source, event_type, severity, correlation_id, metadata.<key>', parse: list },
        ],
        run: (ctx, _args, o) => createRule(ctx, o),
      },
    ],
  },
];
