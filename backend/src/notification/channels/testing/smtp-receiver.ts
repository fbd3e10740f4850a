import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** One message as the SMTP server took it. */
export interface ReceivedMail {
  from: string | null;
  to: string[];
  raw: string;
}

/** An SMTP refusal: the reply code and text the server answers with. */
export interface Refusal {
  code: number;
  text: string;
}

/** How the test server behaves; by default it takes every message. */
export interface SmtpReceiverOptions {
  /** Refuse every RCPT TO. */
  rcpt?: Refusal;
  /** Refuse the message after DATA. */
  data?: Refusal;
  /** Offer AUTH over plain SMTP and refuse every login with this. */
  auth?: Refusal;
}

function refusal({ code, text }: Refusal): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/** A real SMTP server (the smtp-server package) on 127.0.0.1, without STARTTLS, recording what it is sent. */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  private readonly server: SMTPServer;

  private constructor(opts: SmtpReceiverOptions) {
    const options: SMTPServerOptions = {
      authOptional: opts.auth === undefined,
      disabledCommands: opts.auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
      allowInsecureAuth: opts.auth !== undefined,
      logger: false,
      closeTimeout: 200,
      onAuth(_auth, _session, callback) {
        callback(opts.auth === undefined ? null : refusal(opts.auth));
      },
      onRcptTo(_address, _session, callback) {
        callback(opts.rcpt === undefined ? null : refusal(opts.rcpt));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (opts.data !== undefined) return callback(refusal(opts.data));
          const from = session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address;
          this.mails.push({
            from,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback(null);
        });
      },
    };
    this.server = new SMTPServer(options);
  }

  static async start(opts: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
    const receiver = new SmtpReceiver(opts);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', () => resolve()));
    return receiver;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
