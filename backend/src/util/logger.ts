import pino, { type Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACT = ['*.api_key', '*.apiKey', '*.password', '*.token', '*.secret', '*.authorization', 'req.headers.authorization', '*.webhook_url', '*.routing_key'];

/** Structured JSON logs on stderr, so stdout stays for what a command prints. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'mahavishnu' }, redact: { paths: REDACT, censor: '[redacted]' } }, pino.destination(2));
}
