import { OutboundGuard } from '../../../security/outbound';
import { NOTIFICATION_KINDS } from '../../channel';
import { testDeps } from '../testing/deps';
import { closedPort } from '../testing/http-receiver';
import { makeMessage } from '../testing/message';
import { parseMail } from '../testing/mime';
import { SmtpReceiver, type SmtpReceiverOptions } from '../testing/smtp-receiver';
import { EmailChannelConfigSchema } from './config';
import { createEmailChannel } from './email-channel';

const PASSWORD = 'sm7p-Pa55word!';

const servers: SmtpReceiver[] = [];
async function server(opts: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const s = await SmtpReceiver.start(opts);
  servers.push(s);
  return s;
}
afterAll(() => Promise.all(servers.map((s) => s.close())));

function channelFor(port: number, smtp: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const cfg = EmailChannelConfigSchema.parse({
    type: 'email',
    smtp: { host: '127.0.0.1', port, ...smtp },
    from: 'incidents@mahavishnu.example',
    to: ['oncall@example.com', 'lead@example.com'],
    timeout_seconds: 2,
    ...extra,
  });
  return createEmailChannel('mail-oncall', cfg, testDeps());
}

describe('email channel against a real SMTP server', () => {
  it('delivers a mail with the subject, a text part and an HTML part', async () => {
    const smtp = await server();
    const result = await channelFor(smtp.port).send(makeMessage({ incident: { title: 'Disk <full> & slow' } }));

    expect(result).toEqual({ outcome: 'sent' });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.from).toBe('incidents@mahavishnu.example');
    expect(mail.to).toEqual(['oncall@example.com', 'lead@example.com']);
    const parsed = parseMail(mail.raw);
    expect(parsed.headers.subject).toBe('[HIGH] New incident inc_00001: Error Burst - 2026-11-26 10:30');
    expect(parsed.headers['message-id']).toBe('<dlv_000001@mahavishnu>');
    expect(parsed.headers['x-mahavishnu-event']).toBe('incident_created');
    expect(parsed.text).toContain('Title: Disk <full> & slow');
    expect(parsed.text).toContain(
      'Open the incident: http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001'
    );
    expect(parsed.html).toContain('<strong>Disk &#60;full&#62; &#38; slow</strong>');
    expect(parsed.html).toContain('<a href="http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001">');
  });

  it('fails for good when the server refuses the recipients with 550', async () => {
    const smtp = await server({ rcpt: { code: 550, text: 'No such user here' } });
    const result = await channelFor(smtp.port).send(makeMessage());
    expect(result).toEqual({ outcome: 'failed', reason: expect.stringMatching(/^SMTP 550: .*No such user here/) });
    expect(smtp.mails).toHaveLength(0);
  });

  it('fails for good when the server refuses the message with 550 after DATA', async () => {
    const smtp = await server({ data: { code: 550, text: 'Message rejected as spam' } });
    expect(await channelFor(smtp.port).send(makeMessage())).toEqual({
      outcome: 'failed',
      reason: expect.stringMatching(/^SMTP 550: .*spam/),
    });
  });

  it('retries when the server answers 451 to the recipients or to the message', async () => {
    const rcpt = await server({ rcpt: { code: 451, text: 'Greylisted, try again later' } });
    expect(await channelFor(rcpt.port).send(makeMessage())).toEqual({
      outcome: 'retry',
      reason: expect.stringMatching(/^SMTP 451: .*Greylisted/),
    });

    const data = await server({ data: { code: 451, text: 'Local error in processing' } });
    expect(await channelFor(data.port).send(makeMessage())).toEqual({
      outcome: 'retry',
      reason: expect.stringMatching(/^SMTP 451: .*Local error/),
    });
  });

  it('fails for good, without connecting, when the relay is on an address the allowlist does not name', async () => {
    const smtp = await server();
    const cfg = EmailChannelConfigSchema.parse({
      type: 'email',
      smtp: { host: '127.0.0.1', port: smtp.port, user: 'notifier', password: PASSWORD },
      from: 'incidents@mahavishnu.example',
      to: ['oncall@example.com'],
      timeout_seconds: 2,
    });
    const result = await createEmailChannel('mail-oncall', cfg, testDeps({ outbound: new OutboundGuard() })).send(
      makeMessage()
    );
    expect(result).toEqual({
      outcome: 'failed',
      reason: 'SMTP refused to connect to 127.0.0.1 (loopback): add it to security.outbound.allowlist to allow',
    });
    expect(smtp.mails).toHaveLength(0);
  });

  it('retries a refused connection', async () => {
    expect(await channelFor(await closedPort()).send(makeMessage())).toEqual({
      outcome: 'retry',
      reason: 'SMTP connection refused',
    });
  });

  it('never puts the password in a reason, even when the server echoes it', async () => {
    const auth = await server({ auth: { code: 535, text: `Authentication failed for password ${PASSWORD}` } });
    const login = await channelFor(auth.port, { user: 'notifier', password: PASSWORD }).send(makeMessage());
    expect(login).toEqual({ outcome: 'failed', reason: expect.stringMatching(/^SMTP 535: /) });
    expect(JSON.stringify(login)).not.toContain(PASSWORD);

    const rcpt = await server({
      rcpt: { code: 550, text: `no mailbox; you sent ${PASSWORD} or ${encodeURIComponent(PASSWORD)}` },
    });
    const refused = await channelFor(rcpt.port, { user: 'notifier', password: PASSWORD }).send(makeMessage());
    expect(refused).toEqual({
      outcome: 'failed',
      reason: expect.stringMatching(/^SMTP 550: .*no mailbox; you sent \[redacted\] or \[redacted\]/),
    });
    expect(JSON.stringify(refused)).not.toContain(PASSWORD);
  });

  it('accepts every kind but acknowledged', () => {
    const mail = channelFor(25);
    expect(NOTIFICATION_KINDS.filter((k) => mail.accepts(k))).toEqual([
      'incident_created',
      'severity_changed',
      'approval_needed',
      'action_failed',
      'resolved',
    ]);
  });
});

describe('email config', () => {
  it('fills in the SMTP defaults', () => {
    expect(
      EmailChannelConfigSchema.parse({
        type: 'email',
        smtp: { host: 'mail.example' },
        from: 'a@example.com',
        to: ['b@example.com'],
      })
    ).toEqual({
      type: 'email',
      smtp: { host: 'mail.example', port: 587, secure: false, require_tls: false },
      from: 'a@example.com',
      to: ['b@example.com'],
      timeout_seconds: 10,
    });
  });

  it.each([
    ['no recipients', { to: [] }],
    ['a recipient that is not an address', { to: ['oncall'] }],
    ['a password without a user', { smtp: { host: 'mail.example', password: 'x' } }],
    ['a port out of range', { smtp: { host: 'mail.example', port: 70000 } }],
  ])('rejects %s', (_name, patch) => {
    const cfg = {
      type: 'email',
      smtp: { host: 'mail.example' },
      from: 'a@example.com',
      to: ['b@example.com'],
      ...patch,
    };
    expect(EmailChannelConfigSchema.safeParse(cfg).success).toBe(false);
  });
});
