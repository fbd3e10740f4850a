import type { Logger } from 'pino';
import type { ActionRunRecord } from '../domain/records';
import type { IncidentEngine } from '../engine/engine';
import { toIncidentDto } from '../incidents/dto';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import type { AutoResponder } from './auto-responder';
import type { ActionContext, ExecutionResult } from './executor';

/**
 * Runs stored intents: marks a run `running` (durably) before its executor starts, so a crash in
 * between leaves `running`, which the next start turns into `unknown` instead of running it again.
 * The result goes back through the engine, where the workflow decides what comes next.
 */
export class ActionRunner {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly engine: IncidentEngine,
    private readonly responder: AutoResponder,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly logger: Logger
  ) {}

  /** Starts queued runs without waiting for them (the workflow's own runs). */
  start(runs: ActionRunRecord[]): void {
    for (const run of runs) {
      if (run.status !== 'queued') {
        continue;
      }
      const p = this.execute(run)
        .catch((err) => this.logger.error({ err, run_id: run.run_id }, 'action run failed to record'))
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  /** Starts the runs whose intent was stored but that never started (e.g. before a restart). */
  async resumeQueued(): Promise<void> {
    this.start(await this.store.actions.withStatus(['queued']));
  }

  /** Waits for the runs in progress (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.all([...this.inFlight]);
    }
  }

  /** Runs one stored intent to its end and returns the finished run. */
  async execute(run: ActionRunRecord): Promise<ActionRunRecord> {
    const startedAt = this.clock.now();
    if (!(await this.store.actions.markRunning(run.run_id, startedAt))) {
      return (await this.store.actions.get(run.run_id)) ?? run;
    }
    const inc = await this.store.incidents.get(run.incident_id);
    const rec = inc && this.responder.find(run.action_id, inc.incident_type);
    let plan: Record<string, unknown> | null = null;
    let result: ExecutionResult;
    if (!inc || !rec) {
      result = { outcome: 'failed', detail: `action ${run.action_id} is no longer known`, output: '' };
    } else {
      const ctx: ActionContext = {
        incident: toIncidentDto(inc),
        action_id: run.action_id,
        run_id: run.run_id,
        idempotency_key: run.idempotency_key,
        params: run.params,
        actor: run.approved_by ?? run.requested_by,
      };
      plan = rec.executor.plan(ctx);
      result = await rec.executor.run(ctx).catch((err: unknown) => ({ outcome: 'failed' as const, detail: `executor error: ${(err as Error).name}`, output: '' }));
    }
    const finishedAt = this.clock.now();
    const verify = result.outcome === 'succeeded' && rec?.executorKind !== 'manual';
    const done: ActionRunRecord = {
      ...run,
      status: result.outcome,
      plan,
      detail: result.detail,
      output: result.output,
      started_at: startedAt,
      finished_at: finishedAt,
      duration_ms: finishedAt - startedAt,
      verification: verify ? 'pending' : null,
      verify_until: verify ? finishedAt + this.responder.config.verify_seconds * 1000 : null,
    };
    await this.engine.mutate(run.incident_id, async (incident, ctx) => {
      ctx.changes.run(done);
      const runs = (await this.store.actions.ofIncident(run.incident_id)).map((r) => (r.run_id === done.run_id ? done : r));
      await ctx.workflow.runFinished(incident, done, runs, ctx.changes, ctx.now);
    });
    this.metrics.actionRuns.inc({ action_id: run.action_id, trigger: run.trigger, status: done.status });
    return done;
  }
}
