import type { NewEvent } from '../domain/records';
import type { Metrics } from '../metrics/metrics';
import { IncidentEventInputSchema, parseEventInputFast, type IngestResult } from '../schema/events';
import { safeParseInput } from '../schema/safe-parse';
import type { Clock } from '../util/clock';
import type { IntakeRateLimiter, Sender } from '../security/rate-limit';
import { PayloadTooLargeError, UnavailableError, ValidationError, type FieldProblem } from '../util/errors';
import type { GroupCommitter } from './group-commit';
import { normalizeEvent } from './normalize';
import type { WebhookEvent } from './webhooks';

export type Intake = 'api' | 'alertmanager' | 'grafana' | 'rule_test';

/** Validates what arrives, stores it durably, and hands it to the engine: the pipeline's first stage. */
export class IngestService {
  private closing = false;

  constructor(
    private readonly committer: GroupCommitter,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly maxBatch: number,
    private readonly limiter?: IntakeRateLimiter
  ) {}

  /** `POST /api/v1/events`: one event or an array; all of it is stored or none. */
  async ingestBody(body: unknown, sender?: Sender): Promise<IngestResult> {
    const items = Array.isArray(body) ? body : [body];
    if (items.length > this.maxBatch) {
      this.metrics.eventsRejected.inc({ intake: 'api', reason: 'too_large' }, items.length);
      throw new PayloadTooLargeError(`a batch holds at most ${this.maxBatch} events, got ${items.length}`);
    }
    if (items.length === 0) {
      throw new ValidationError('body: an empty batch holds no event', [{ field: 'body', message: 'an empty batch holds no event' }]);
    }
    const now = this.clock.now();
    const problems: FieldProblem[] = [];
    const events: NewEvent[] = [];
    items.forEach((item, i) => {
      // Plainly valid events skip zod; anything else, and every error, is the schema's to judge.
      const fast = parseEventInputFast(item);
      if (fast) {
        events.push(normalizeEvent(fast, now));
        return;
      }
      const r = safeParseInput(IncidentEventInputSchema, item);
      if (r.success) {
        events.push(normalizeEvent(r.data, now));
      } else {
        const prefix = Array.isArray(body) ? `[${i}]` : '';
        // A single event that is not an object at all has no field of its own: name the body.
        problems.push(...ValidationError.fromZod(r.error, prefix).details!.map((d) => ({ ...d, field: d.field || 'body' })));
      }
    });
    if (problems.length > 0) {
      this.metrics.eventsRejected.inc({ intake: 'api', reason: 'invalid' }, items.length);
      throw new ValidationError(`${problems[0].field || 'body'}: ${problems[0].message}`, problems);
    }
    return this.store(events, 'api', sender);
  }

  /** Stores events that a webhook mapper produced (already validated). */
  async ingestMapped(events: WebhookEvent[], intake: Intake, sender?: Sender): Promise<IngestResult> {
    const now = this.clock.now();
    return this.store(
      events.map(({ timestamp, metadata, ...e }) => ({ ...e, metadata: { ...metadata }, ts: Math.min(Date.parse(timestamp), now), received_at: now })),
      intake,
      sender
    );
  }

  private async store(events: NewEvent[], intake: Intake, sender?: Sender): Promise<IngestResult> {
    if (this.closing) {
      throw new UnavailableError('the backend is shutting down; retry against another replica or later');
    }
    if (events.length === 0) {
      return { accepted: 0, duplicates: 0 };
    }
    try {
      this.limiter?.take(events, sender);
    } catch (err) {
      this.metrics.eventsRejected.inc({ intake, reason: 'rate_limited' }, events.length);
      throw err;
    }
    const result = await this.committer.submit(events);
    this.metrics.eventsIngested.inc({ intake }, result.accepted);
    if (result.duplicates) {
      this.metrics.eventsDuplicate.inc({ intake }, result.duplicates);
    }
    return result;
  }

  /** Refuses new events (503) and waits for what was accepted to be committed. */
  async close(): Promise<void> {
    this.closing = true;
    await this.committer.flushed();
  }
}
