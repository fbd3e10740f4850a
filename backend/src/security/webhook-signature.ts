import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../util/clock';
import { UnauthorizedError } from '../util/errors';
import type { GrafanaWebhookAuth } from './config';

/** At most this many signatures are remembered to refuse replays (each for the tolerance window). */
const MAX_REMEMBERED = 100_000;

/**
 * Checks Grafana Alerting's webhook signature: hex HMAC-SHA256 with the contact point's secret over
 * the raw body, or over `timestamp:body` (Unix seconds) when the contact point sends a timestamp.
 * With a timestamp, one too far from now is stale and a signature seen before is a replay; both are
 * refused like a wrong signature.
 */
export class GrafanaSignatureVerifier {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly cfg: GrafanaWebhookAuth,
    private readonly secret: string,
    private readonly clock: Clock
  ) {}

  verify(rawBody: Buffer | undefined, header: (name: string) => string | undefined): void {
    const signature = header(this.cfg.signature_header)?.trim().toLowerCase();
    if (!signature) {
      throw new UnauthorizedError(`the Grafana webhook must be signed: no ${this.cfg.signature_header} header`);
    }
    const body = rawBody ?? Buffer.alloc(0);
    let signed: Buffer = body;
    let timestamp: number | undefined;
    if (this.cfg.timestamp_header) {
      const raw = header(this.cfg.timestamp_header)?.trim();
      if (!raw || !/^\d{1,12}$/.test(raw)) {
        throw new UnauthorizedError(`the Grafana webhook must carry a Unix timestamp in ${this.cfg.timestamp_header}`);
      }
      timestamp = Number(raw);
      signed = Buffer.concat([Buffer.from(`${raw}:`), body]);
    }
    const expected = createHmac('sha256', this.secret).update(signed).digest();
    const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthorizedError(`the ${this.cfg.signature_header} signature does not match the body`);
    }
    if (timestamp !== undefined) {
      const now = this.clock.now();
      const skew = Math.abs(now / 1000 - timestamp);
      if (skew > this.cfg.tolerance_seconds) {
        throw new UnauthorizedError(
          `the Grafana webhook's timestamp is ${Math.round(skew)}s from now (more than ${this.cfg.tolerance_seconds}s): stale or replayed`
        );
      }
      this.forgetExpired(now);
      if (this.seen.has(signature)) {
        throw new UnauthorizedError('this Grafana webhook was received before: a replay is refused');
      }
      this.seen.set(signature, now + this.cfg.tolerance_seconds * 2000);
    }
  }

  private forgetExpired(now: number): void {
    for (const [signature, until] of this.seen) {
      if (until > now && this.seen.size <= MAX_REMEMBERED) {
        break;
      }
      this.seen.delete(signature);
    }
  }
}
