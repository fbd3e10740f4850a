import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The X-Mahavishnu-Signature value for a body sent at `timestamp` (unix seconds):
 * "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>". The timestamp is signed too, so a
 * receiver that rejects old timestamps cannot be fed a replayed delivery.
 */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver runs: true when `signatureHeader` is the signature of `body` at `timestamp`.
 * Compared in constant time, so the answer's timing does not reveal how much of a guess was right.
 * Checking that the timestamp is recent is left to the caller, who knows its tolerance.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: number | string,
  body: string,
  signatureHeader: string | undefined
): boolean {
  if (signatureHeader === undefined) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signatureHeader.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
