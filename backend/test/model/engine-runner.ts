import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { IncidentManager } from '../../src/builder';
import { BUILTIN_RULES } from '../../src/detection/builtin-rules';
import { parseConfig } from '../../src/config/load';
import { ManualClock } from '../../src/util/clock';
import { dropSchemas, schemaFor, TEST_STORE, testStoreConfig } from '../test-store';
import { ReferenceDetector, type ModelIncident } from './reference-detector';
import { detectionRule, type GenEvent, type Scenario } from './scenario';

/** An incident as the comparison sees it: what a user would check, in a canonical form. */
export interface Outcome {
  rule_id: string;
  group_key: string;
  incident_type: string;
  severity: string;
  active: boolean;
  events: string[];
  components: string[];
}

export const RETENTION_SECONDS = 600;

/** Outcomes in a canonical order, to compare as lists. */
export function canonical(list: Outcome[]): Outcome[] {
  return [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function fromModel(i: ModelIncident): Outcome {
  return {
    rule_id: i.rule_id,
    group_key: i.group_key,
    incident_type: i.incident_type,
    severity: i.severity,
    active: i.active,
    events: [...i.events].sort(),
    components: [...i.components].sort(),
  };
}

/** What the reference model makes of a scenario. */
export function runModel(s: Scenario, resolutions: Array<{ rule_id: string; group_key: string }> | null = null): Outcome[] {
  const rules = s.rules.map(detectionRule);
  const model = new ReferenceDetector(rules, new Map(s.rules.map((r) => [r.rule_id, r.escalations])), RETENTION_SECONDS * 1000);
  let resolved = 0;
  for (const step of s.steps) {
    if (step.kind === 'request') {
      model.arrive(
        step.events.map((i) => toModelEvent(s.events[i])),
        step.at * 1000
      );
    } else if (resolutions) {
      // Resolve what the engine resolved at this point (the engine chose among its own active incidents).
      const r = resolutions[resolved++];
      if (r) {
        model.resolve(r.rule_id, r.group_key);
      }
    } else {
      const active = model.active();
      if (active.length > 0) {
        const pick = active[step.pick % active.length];
        model.resolve(pick.rule_id, pick.group_key);
      }
    }
  }
  return canonical(model.result().map(fromModel));
}

function toModelEvent(e: GenEvent) {
  return { event_id: e.event_id, event_type: e.event_type, source: e.source, severity: 'medium' as const, message: '', metadata: { ...e.metadata }, correlation_id: e.correlation_id, timestamp: e.at * 1000 };
}

/**
 * The engine with a real store (a SQLite file, or a PostgreSQL schema of its own), built as the
 * product builds it but driven without HTTP: requests go to the ingest service, resolutions to the
 * incident service, and the clock is the test's. One engine serves many scenarios: each starts on
 * an emptied store, a day after the one before.
 */
export class EngineRunner {
  private constructor(
    private readonly manager: IncidentManager,
    private readonly clock: ManualClock,
    private readonly dir: string
  ) {}

  static async start(): Promise<EngineRunner> {
    const dir = mkdtempSync(join(tmpdir(), 'mahavishnu-model-'));
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const disabled = Object.fromEntries(BUILTIN_RULES.map((r) => [r.rule_id, { enabled: false }]));
    const config = parseConfig({
      store: { ...testStoreConfig(dir), data_dir: dir },
      detection: { events_retention_seconds: RETENTION_SECONDS, rules: disabled },
    });
    const manager = await IncidentManager.build({ config, logger: pino({ level: 'silent' }), clock, sweepTimer: false });
    return new EngineRunner(manager, clock, dir);
  }

  /** Runs a scenario; returns the engine's incidents and the resolutions it made (by rule group). */
  async run(s: Scenario): Promise<{ outcomes: Outcome[]; resolutions: Array<{ rule_id: string; group_key: string }> }> {
    const { engine, store, rules, ingest, incidents } = this.manager.services;
    const base = Math.ceil((this.clock.now() + 86_400_000) / 86_400_000) * 86_400_000;
    await engine.stop();
    await store.transaction(async (tx) => {
      for (const table of ['incident_events', 'timeline', 'outbox', 'action_runs', 'approvals', 'postmortems', 'incidents', 'events', 'rule_groups', 'meta'] as const) {
        await tx.db.deleteFrom(table).execute();
      }
      await tx.db.deleteFrom('rules').where('builtin', '=', 0).execute();
    });
    this.clock.set(base);
    for (const r of s.rules) {
      await store.rules.put(detectionRule(r), base);
    }
    await engine.start(await rules.reload());
    const resolutions: Array<{ rule_id: string; group_key: string }> = [];
    for (const step of s.steps) {
      if (step.kind === 'request') {
        this.clock.set(base + step.at * 1000);
        await ingest.ingestBody(step.events.map((i) => toInput(s.events[i], base)));
        continue;
      }
      const active = (await store.incidents.active()).sort((a, b) => a.incident_id.localeCompare(b.incident_id));
      if (active.length > 0) {
        const pick = active[step.pick % active.length];
        await incidents.resolve(pick.incident_id, 'resolved by the test', 'tester');
        resolutions.push({ rule_id: pick.rule_id!, group_key: pick.group_key! });
      } else {
        resolutions.push(undefined as never);
      }
    }
    await engine.idle();
    const outcomes: Outcome[] = [];
    for (const inc of await store.incidents.allSince(undefined)) {
      const events = await store.events.ofIncident(inc.incident_id);
      if (events.length !== inc.event_count) {
        throw new Error(`${inc.incident_id} counts ${inc.event_count} events but holds ${events.length}`);
      }
      outcomes.push({
        rule_id: inc.rule_id ?? '',
        group_key: inc.group_key ?? '',
        incident_type: inc.incident_type,
        severity: inc.severity,
        active: inc.status !== 'resolved' && inc.status !== 'closed',
        events: events.map((e) => e.event_id).sort(),
        components: [...inc.affected_components].sort(),
      });
    }
    return { outcomes: canonical(outcomes), resolutions };
  }

  async close(): Promise<void> {
    await this.manager.close();
    rmSync(this.dir, { recursive: true, force: true });
    if (TEST_STORE === 'postgres') {
      await dropSchemas([schemaFor(this.dir)]);
    }
  }
}

function toInput(e: GenEvent, base: number) {
  return {
    event_id: e.event_id,
    event_type: e.event_type,
    source: e.source,
    message: `${e.event_type} from ${e.source}`,
    timestamp: new Date(base + e.at * 1000).toISOString(),
    metadata: { ...e.metadata },
    correlation_id: e.correlation_id,
  };
}
