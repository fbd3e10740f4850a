import type { DetectionRule } from '../schema/rules';
import type { IncidentResponseWorkflow } from '../workflow/workflow';
import type { Changes } from './changes';
import type { EngineState } from './engine-state';
import type { EscalationJudge } from './escalation-judge';

/**
 * What time alone changes, each rule at its check interval: incidents whose rule has been quiet
 * move to recovering, then resolve; prolonged incidents escalate; verifications come due; windows
 * drain.
 */
export class TimeSweep {
  private readonly lastSweep = new Map<string, number>();

  constructor(
    private readonly state: EngineState,
    private readonly workflow: IncidentResponseWorkflow,
    private readonly escalations: EscalationJudge
  ) {}

  async run(rules: DetectionRule[], changes: Changes, now: number): Promise<void> {
    const due = new Set<string>();
    for (const rule of rules) {
      if (now - (this.lastSweep.get(rule.rule_id) ?? -Infinity) >= rule.check_interval_seconds * 1000) {
        due.add(rule.rule_id);
        this.lastSweep.set(rule.rule_id, now);
      }
    }
    for (const inc of [...this.state.active.values()]) {
      const rule = this.state.ruleOf(inc);
      if (rule && !due.has(rule.rule_id)) {
        continue;
      }
      if (rule && !rule.from_alert_labels && inc.last_event_at !== null) {
        const quiet = (rule.quiet_period_seconds ?? rule.time_window_seconds) * 1000;
        if (inc.status !== 'recovering' && now - inc.last_event_at >= quiet) {
          this.workflow.transition(inc, 'recovering', changes, now, null, `no matching event for ${quiet / 1000}s`);
        } else if (inc.status === 'recovering' && rule.auto_resolve && now - (inc.recovering_since ?? now) >= quiet) {
          if (await this.workflow.recovered(inc, quiet, changes, now)) {
            continue;
          }
        }
      }
      this.escalations.judgeTime(inc, changes, now);
    }
    await this.workflow.verifyDue(changes, now);
    this.state.detector.prune();
  }
}
