import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './signature';

const SECRET = 'whsec_0123456789abcdef';
const BODY = '{"incident_id":"inc_00001"}';

describe('webhook signatures', () => {
  it('are sha256= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`1795600800.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, 1795600800, BODY)).toBe(`sha256=${expected}`);
  });

  it('verify, and stop verifying when the body, timestamp, secret or signature changes', () => {
    const signature = signWebhook(SECRET, 1795600800, BODY);
    expect(verifyWebhookSignature(SECRET, 1795600800, BODY, signature)).toBe(true);
    expect(verifyWebhookSignature(SECRET, '1795600800', BODY, signature)).toBe(true);
    expect(verifyWebhookSignature(SECRET, 1795600800, BODY.replace('1', '2'), signature)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 1795600801, BODY, signature)).toBe(false);
    expect(verifyWebhookSignature(`${SECRET}x`, 1795600800, BODY, signature)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 1795600800, BODY, `${signature.slice(0, -1)}0`)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 1795600800, BODY, signature.slice(0, -1))).toBe(false);
    expect(verifyWebhookSignature(SECRET, 1795600800, BODY, undefined)).toBe(false);
  });
});
