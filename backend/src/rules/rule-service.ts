import { BUILTIN_RULES } from '../detection/builtin-rules';
import { validateEscalations } from '../detection/escalation';
import type { IncidentEngine } from '../engine/engine';
import { DetectionRuleSchema, type DetectionRule, type DetectionRuleCreate, type DetectionRulePatch } from '../schema/rules';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { ConflictError, NotFoundError, ValidationError } from '../util/errors';
import { SerialQueue } from '../util/serial-queue';
import type { BacktestOutcome } from './backtest-request';
import type { Backtester } from './backtests';

/** Detection rules: the built-ins (tunable, not deletable) and custom ones; every change reaches the engine. */
export class RuleService {
  private rules = new Map<string, DetectionRule>();
  private readonly queue = new SerialQueue();

  constructor(
    private readonly store: Store,
    private readonly engine: IncidentEngine,
    private readonly clock: Clock,
    private readonly limits: { retentionSeconds: number; maxEvents: number },
    /** Runs backtests off the event loop. */
    private readonly backtester: Backtester,
    /** Told after a rule changes (other replicas re-read the rules). */
    private readonly changed: () => Promise<void> = async () => undefined
  ) {}

  /** Reads the stored rules again (another replica changed them). */
  reload(): Promise<DetectionRule[]> {
    return this.queue.run(async () => {
      this.rules = new Map((await this.store.rules.all()).map((r) => [r.rule_id, r]));
      return this.list();
    });
  }

  /** Loads stored rules, adds missing built-ins and applies the configuration's changes. */
  async load(configPatches: Record<string, DetectionRulePatch>): Promise<DetectionRule[]> {
    const stored = new Map((await this.store.rules.all()).map((r) => [r.rule_id, r]));
    const now = this.clock.now();
    for (const b of BUILTIN_RULES) {
      if (!stored.has(b.rule_id)) {
        stored.set(b.rule_id, b);
        await this.store.rules.put(b, now);
      }
    }
    for (const [id, patch] of Object.entries(configPatches)) {
      const rule = stored.get(id);
      if (!rule) {
        throw new ValidationError(`detection.rules.${id}: no rule with this id (known: ${[...stored.keys()].join(', ')})`);
      }
      const next = this.applyPatch(rule, patch);
      stored.set(id, next);
      await this.store.rules.put(next, now);
    }
    this.rules = stored;
    return this.list();
  }

  list(enabled?: boolean): DetectionRule[] {
    return [...this.rules.values()].filter((r) => enabled === undefined || r.enabled === enabled);
  }

  get(id: string): DetectionRule {
    const r = this.rules.get(id);
    if (!r) {
      throw new NotFoundError(`rule ${id} not found`);
    }
    return r;
  }

  create(input: DetectionRuleCreate): Promise<DetectionRule> {
    return this.queue.run(async () => {
      if (this.rules.has(input.rule_id)) {
        throw new ConflictError(`rule ${input.rule_id} already exists; change it with PATCH /api/v1/rules/${input.rule_id}`);
      }
      validateEscalations(input.escalations);
      const rule = DetectionRuleSchema.parse({ ...input, builtin: false, from_alert_labels: false });
      return this.save(rule);
    });
  }

  patch(id: string, patch: DetectionRulePatch): Promise<DetectionRule> {
    return this.queue.run(async () => this.save(this.applyPatch(this.get(id), patch)));
  }

  setEnabled(id: string, enabled: boolean): Promise<DetectionRule> {
    return this.queue.run(async () => this.save({ ...this.get(id), enabled }));
  }

  delete(id: string): Promise<void> {
    return this.queue.run(async () => {
      const rule = this.get(id);
      if (rule.builtin) {
        throw new ConflictError(`rule ${id} is built in and cannot be deleted; disable it with POST /api/v1/rules/${id}/disable`);
      }
      await this.store.rules.delete(id);
      this.rules.delete(id);
      await this.engine.setRules(this.list());
      await this.changed();
    });
  }

  /**
   * Which incidents the rule would open on the events of a `POST /api/v1/rules/{id}/test` body (its
   * bytes as sent): a backtest, parsed and run on a worker thread.
   */
  test(id: string, body: Uint8Array): Promise<BacktestOutcome> {
    return this.backtester.run(id, this.rules.get(id) ?? null, body, { ...this.limits, now: this.clock.now() });
  }

  /** Stops the backtests' workers (at shutdown). */
  close(): Promise<void> {
    return this.backtester.close();
  }

  private applyPatch(rule: DetectionRule, patch: DetectionRulePatch): DetectionRule {
    validateEscalations(patch.escalations);
    const { escalations, ...rest } = patch;
    const next: DetectionRule = { ...rule, ...rest };
    if (escalations !== undefined) {
      if (escalations === null) {
        delete next.escalations;
      } else {
        next.escalations = escalations;
      }
    }
    return next;
  }

  private async save(rule: DetectionRule): Promise<DetectionRule> {
    const now = this.clock.now();
    const saved = { ...rule, updated_at: new Date(now).toISOString() };
    await this.store.rules.put(saved, now);
    this.rules.set(saved.rule_id, saved);
    await this.engine.setRules(this.list());
    await this.changed();
    return saved;
  }
}
