import { InvalidArgumentError } from 'commander';
import type { Incident } from '../../schema/incidents';
import { DEFAULT_SEVERITY } from '../../detection/severity-matrix';
import { INCIDENT_TYPE_NAMES, INCIDENT_TYPES, SEVERITIES, type IncidentType, type Severity } from '../../schema/enums';
import type { DetectionRule } from '../../schema/rules';
import { EXIT, list, positiveInt, type CliContext, type CommandSpec } from '../command-table';
import { incidentColumns } from './columns';
import { backtest, BacktestError, readEventsFile, ruleForTest } from './rule-backtest';
import { predictedColumns } from './rule-columns';
import { concrete, matchesAny, ruleForType, simulatedEvents } from './simulate-events';

/** How long `simulate` waits for the incident its events open. */
const SIMULATE_WAIT_MS = 2000;
const POLL_MS = 100;
/** The backend's default `ingest.max_batch`. */
const BATCH = 1000;

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`expected a whole number of 0 or more, got "${value}"`);
  }
  return n;
}

async function testRuleCommand(ctx: CliContext, id: string, o: Record<string, any>): Promise<number> {
  let rule: DetectionRule;
  let events: unknown[];
  if (o.events) {
    events = readEventsFile(o.events);
    try {
      rule = await ruleForTest(ctx.client, id, ctx.out);
    } catch (err) {
      if (err instanceof BacktestError) {
        ctx.out.error(err.message);
        return EXIT.failed;
      }
      throw err;
    }
  } else {
    rule = await ctx.client.getRule(id);
    const recent = await ctx.client.listEvents({ limit: 10000 });
    // Oldest first, in the order the backend received them.
    events = recent.sort((a, b) => a.seq - b.seq).map(({ seq: _seq, received_at: _received, ...e }) => e);
    ctx.out.note(`Testing rule ${id} as the backend at ${ctx.client.url} defines it, on its ${events.length} most recent events`);
  }
  if (!rule.enabled) {
    ctx.out.note(`Rule ${id} is disabled: tested as if it were enabled`);
  }
  let result;
  try {
    result = backtest(rule, events);
  } catch (err) {
    if (err instanceof BacktestError) {
      ctx.out.error(err.message);
      return EXIT.failed;
    }
    throw err;
  }
  const n = result.incidents.length;
  ctx.out.note(`${result.events_evaluated} events evaluated, ${result.events_matched} matched: ${n === 0 ? 'no incident' : n === 1 ? '1 incident' : `${n} incidents`} would open (dry run: nothing stored)`);
  if (ctx.format === 'json') {
    ctx.out.json(result);
  } else {
    ctx.out.records(result.incidents, predictedColumns(ctx.out), ctx.format);
  }
  return EXIT.ok;
}

async function simulate(ctx: CliContext, o: Record<string, any>): Promise<number> {
  const type = o.type as IncidentType;
  const asked = o.severity as Severity | undefined;
  const rule = ruleForType(await ctx.client.listRules(), type);
  const before = new Set((await ctx.client.listIncidents({ type, status: 'active', limit: 10000 })).map((i) => i.incident_id));

  if (!rule || !rule.enabled) {
    const components: string[] = o.components ?? ['simulated'];
    ctx.out.note(
      rule
        ? `Rule ${rule.rule_id}, which opens ${type} incidents, is disabled: creating the incident by hand instead of from events`
        : `No detection rule opens ${type} incidents from events: creating the incident by hand instead`
    );
    const incident = await ctx.client.createIncident({
      incident_type: type,
      severity: asked ?? DEFAULT_SEVERITY[type],
      title: `Simulated ${INCIDENT_TYPE_NAMES[type]}`,
      description: `Created by mahavishnu incidents simulate (no enabled rule detects ${type} from events)`,
      components,
    });
    report(ctx, incident, `Simulated ${type}: created incident ${incident.incident_id} by hand for ${components.join(', ')}`);
    return EXIT.ok;
  }

  const components: string[] = o.components ?? (rule.match.sources?.length ? rule.match.sources.map(concrete) : ['simulated']);
  const count: number = o.eventCount ?? rule.error_threshold;
  const unmatched = rule.match.sources?.length ? components.filter((c) => !matchesAny(rule.match.sources!, c)) : [];
  if (unmatched.length) {
    ctx.out.note(`Rule ${rule.rule_id} counts only events from ${rule.match.sources!.join(', ')}: events from ${unmatched.join(', ')} will not count`);
  }
  const events = simulatedEvents(rule, {
    eventTypes: rule.match.event_types.map(concrete),
    components,
    count,
    timeSpanSeconds: o.timeSpan,
    severity: asked ?? rule.severity,
    now: ctx.now(),
  });
  for (let i = 0; i < events.length; i += BATCH) {
    await ctx.client.postEvents(events.slice(i, i + BATCH));
  }
  const sources = [...new Set(events.map((e) => e.source))];

  const deadline = Date.now() + SIMULATE_WAIT_MS;
  let opened: Incident | undefined;
  for (;;) {
    opened = (await ctx.client.listIncidents({ type, status: 'active', limit: 10000 })).find((i) => !before.has(i.incident_id));
    if (opened || Date.now() >= deadline) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (!opened) {
    const why = [
      count < rule.error_threshold ? `${count} events is below the threshold of ${rule.error_threshold}` : null,
      o.timeSpan > rule.time_window_seconds ? `the events span ${o.timeSpan}s, more than the ${rule.time_window_seconds}s window` : null,
      rule.min_components_affected > sources.length ? `the rule needs ${rule.min_components_affected} components, the events came from ${sources.length}` : null,
      before.size ? `the events may have joined an active ${type} incident (${[...before].join(', ')}): a rule opens one incident per group at a time` : null,
    ].filter(Boolean);
    ctx.out.error(`posted ${count} events (${rule.match.event_types.map(concrete).join(', ')}) from ${sources.join(', ')} but no ${type} incident opened within ${SIMULATE_WAIT_MS / 1000}s${why.length ? `: ${why.join('; ')}` : ''}`);
    return EXIT.failed;
  }
  if (asked && opened.severity !== asked) {
    ctx.out.note(`The incident is ${opened.severity}: rule ${rule.rule_id} and its escalations set the severity (the events were sent as ${asked})`);
  }
  report(ctx, opened, `Simulated ${type}: ${count} events from ${sources.join(', ')} -> incident ${opened.incident_id}`);
  return EXIT.ok;
}

/** The incident as JSON, a CSV record, or a line ending in "(severity, status)". */
function report(ctx: CliContext, incident: Incident, line: string): void {
  if (ctx.format === 'json') {
    ctx.out.json(incident);
  } else if (ctx.format === 'csv') {
    ctx.out.records([incident], incidentColumns(ctx.out, ctx.now()), 'csv');
  } else {
    ctx.out.line(`${line} (${incident.severity}, ${incident.status})`);
  }
}

/** `mahavishnu incidents test-rule|simulate`: the testing commands. */
export const TESTING_COMMANDS: CommandSpec[] = [
  {
    name: 'test-rule <rule_id>',
    description:
      'backtest a detection rule: which incidents it would open from --events FILE (run here, no backend needed), or from the backend\'s recent events',
    formats: true,
    options: [
      {
        flags: '--events <file>',
        description: 'events as a JSON array or JSON lines; the rule is the backend\'s when it answers, else the built-in one',
      },
      { flags: '--dry-run', description: 'store nothing: the default, a test never stores events or incidents' },
    ],
    run: (ctx, [id], o) => testRuleCommand(ctx, id, o),
  },
  {
    name: 'simulate',
    description: 'post events that the rule for --type counts and show the incident they open',
    formats: true,
    options: [
      { flags: '--type <incident_type>', description: 'the incident type to simulate', choices: INCIDENT_TYPES, default: 'error_burst' },
      { flags: '--severity <severity>', description: "the events' severity (the rule sets the incident's; when no rule detects the type, the incident's)", choices: SEVERITIES },
      { flags: '--components <names>', description: 'sources of the events, comma separated (default: simulated)', parse: list },
      { flags: '--event-count <n>', description: "how many events (default: the rule's threshold)", parse: positiveInt },
      { flags: '--time-span <seconds>', description: 'spread the events evenly over this many seconds, ending now', parse: nonNegativeInt, default: 60 },
    ],
    run: (ctx, _args, o) => simulate(ctx, o),
  },
];
