import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../util/clock';
import { UnauthorizedError } from '../util/errors';
import type { GrafanaWebhookAuth } from './config';

/** How often signatures past their tolerance are deleted from the store. */
const PRUNE_EVERY_MS = 60_000;

/** Where the signatures taken are kept: the store, shared by every replica and kept across restarts. */
export interface SeenSignatures {
  /** False when the signature was taken already (and has not expired). */
  remember(signature: string, expiresAt: number, now: number): Promise<boolean>;
  forget(signature: string): Promise<void>;
  prune(now: number): Promise<void>;
}

/**
 * Checks Grafana Alerting's webhook signature: hex HMAC-SHA256 with the contact point's secret over
 * the raw body, or over `timestamp:body` (Unix seconds) when the contact point sends a timestamp.
 * With a timestamp, one too far from now is stale and a signature taken before is a replay, on any
 * replica and after a restart (the store keeps it for the tolerance); both are refused like a wrong
 * signature (reliability.md, item 10).
 */
export class GrafanaSignatureVerifier {
  private prunedAt = -Infinity;

  constructor(
    private readonly cfg: GrafanaWebhookAuth,
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly seen: SeenSignatures
  ) {}

  /** The signature and the timestamp against the body: 401 when either is wrong or stale. */
  verify(rawBody: Buffer | undefined, header: (name: string) => string | undefined): void {
    const signature = this.signatureOf(header);
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
    }
  }

  /**
   * Runs `fn` (taking the request) unless the request's signature was taken before: then 401. A request
   * that `fn` does not take (it throws) has its signature forgotten, so its sender may send it again.
   * Without a timestamp the same body always has the same signature, so nothing can tell a replay.
   */
  async once<T>(header: (name: string) => string | undefined, fn: () => Promise<T>): Promise<T> {
    const signature = this.signatureOf(header);
    if (!this.cfg.timestamp_header || !signature) {
      return fn();
    }
    const now = this.clock.now();
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.seen.prune(now);
    }
    // Kept for twice the tolerance: a replica whose clock runs behind still finds it.
    if (!(await this.seen.remember(signature, now + this.cfg.tolerance_seconds * 2000, now))) {
      throw new UnauthorizedError('this Grafana webhook was taken before (by this or another replica, maybe before a restart): a replay is refused');
    }
    try {
      return await fn();
    } catch (err) {
      // The request's own error is the answer; a signature left behind only refuses that one resend.
      await this.seen.forget(signature).catch(() => undefined);
      throw err;
    }
  }

  private signatureOf(header: (name: string) => string | undefined): string | undefined {
    return header(this.cfg.signature_header)?.trim().toLowerCase() || undefined;
  }
}
