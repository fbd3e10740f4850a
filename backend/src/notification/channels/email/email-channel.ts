import { createTransport } from 'nodemailer';
import type { Channel, NotificationMessage } from '../../channel';
import type { ChannelDeps } from '../deps';
import { guarded } from '../guard';
import type { EmailChannelConfig } from './config';
import { emailHtml, emailSubject, emailText } from './render';
import { classifySmtpError } from './smtp-result';

/** Message-ID material: ids are ours, but anything outside the safe set would make the header invalid. */
const idPart = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');

/** The nodemailer message for `msg`: Message-ID from the delivery id, so a re-sent mail is recognisably the same one. */
function mail(msg: NotificationMessage, cfg: EmailChannelConfig) {
  return {
    from: cfg.from,
    to: cfg.to,
    subject: emailSubject(msg),
    text: emailText(msg),
    html: emailHtml(msg),
    messageId: `<${idPart(msg.delivery_id)}@mahavishnu>`,
    // Every mail about one incident refers to the same id, so mail clients thread them.
    references: `<incident.${idPart(msg.incident.incident_id)}@mahavishnu>`,
    headers: {
      'X-Mahavishnu-Event': msg.kind,
      'X-Mahavishnu-Delivery': msg.delivery_id,
      'X-Mahavishnu-Incident': msg.incident.incident_id,
    },
  };
}

/** Mails the incident to a list of addresses; acknowledgements are left out, as nobody needs a mail for them. */
export function createEmailChannel(name: string, cfg: EmailChannelConfig, deps: ChannelDeps): Channel {
  const { smtp } = cfg;
  const timeoutMs = cfg.timeout_seconds * 1000;
  const secrets = smtp.password === undefined ? [] : [smtp.password];
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Without requireTLS nodemailer still upgrades whenever the server offers STARTTLS, and sends in the clear when it does not.
    requireTLS: smtp.require_tls,
    auth: smtp.user === undefined ? undefined : { user: smtp.user, pass: smtp.password },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
    // The connection is opened through the outbound guard: the relay's name is resolved once, every
    // address checked, and the socket connected to a checked one (nodemailer's own DNS lookup is
    // skipped). With `secure` or STARTTLS, TLS runs over this socket and still verifies `smtp.host`.
    getSocket: (_options: unknown, callback: (err: Error | null, socketOptions: unknown) => void) => {
      deps.outbound.connect(smtp.host, smtp.port, timeoutMs).then(
        (connection) => callback(null, { connection }),
        (err: Error) => callback(err, false)
      );
    },
  });
  return {
    name,
    type: 'email',
    accepts: (kind) => kind !== 'acknowledged',
    send: guarded(secrets, async (msg) => {
      try {
        const info = await transport.sendMail(mail(msg, cfg));
        // Some recipients took it: a retry would mail them twice, so the refusals are only logged.
        if (info.rejected.length > 0) {
          deps.logger.warn(
            { channel: name, rejected: info.rejected.length, accepted: info.accepted.length },
            'some e-mail recipients were refused'
          );
        }
        return { outcome: 'sent' };
      } catch (err) {
        return classifySmtpError(err, secrets);
      }
    }),
  };
}
