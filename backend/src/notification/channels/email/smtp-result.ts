import { isOutboundRefused } from '../../../security/outbound';
import type { DeliveryResult } from '../../channel';
import { connectionProblem, messageOf, safeReason } from '../reason';
import { truncate } from '../text';

/** The fields nodemailer adds to the errors it raises. */
interface SmtpErrorFields {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  rejectedErrors?: unknown;
}

const fieldsOf = (err: unknown): SmtpErrorFields => (typeof err === 'object' && err !== null ? err : {});

const codeOf = (err: unknown): number | undefined => {
  const code = fieldsOf(err).responseCode;
  return typeof code === 'number' ? code : undefined;
};

/**
 * The SMTP reply code that decides: when every recipient was refused, a temporary refusal of any
 * one of them makes the whole message worth another try.
 */
function decidingCode(err: unknown): number | undefined {
  const { rejectedErrors } = fieldsOf(err);
  if (Array.isArray(rejectedErrors)) {
    const codes = rejectedErrors.map(codeOf).filter((c) => c !== undefined);
    const temporary = codes.find((c) => c >= 400 && c < 500);
    if (temporary !== undefined) return temporary;
  }
  return codeOf(err);
}

/** Connection failures show up in nodemailer's message (it replaces the socket's own code with ESOCKET). */
const SOCKET_CODE = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/;

/**
 * What a failed sendMail means: a 5xx reply is final (the relay will never take this message);
 * a 4xx reply, a dropped or refused connection and a timeout are retried, as is anything unknown.
 */
export function classifySmtpError(err: unknown, secrets: readonly string[]): DeliveryResult {
  // The relay's address is internal and not allowlisted: final, as waiting will not change it.
  if (isOutboundRefused(err)) return { outcome: 'failed', reason: `SMTP ${safeReason(err.message, secrets)}` };
  const code = decidingCode(err);
  const response = fieldsOf(err).response;
  // The reply without its leading code, which the reason states anyway: "SMTP 550: 5.1.1 No such user".
  const text = typeof response === 'string' ? response.replace(/^\d{3}[ -]?/, '') : messageOf(err);
  const said = truncate(safeReason(text, secrets), 200);
  if (code !== undefined && code >= 500 && code < 600) return { outcome: 'failed', reason: `SMTP ${code}: ${said}` };
  if (code !== undefined && code >= 400 && code < 500) return { outcome: 'retry', reason: `SMTP ${code}: ${said}` };
  // nodemailer's own timeouts (connect, greeting, idle socket) say which wait ran out.
  if (fieldsOf(err).code === 'ETIMEDOUT') return { outcome: 'retry', reason: `SMTP timed out: ${said}` };
  const socketCode = SOCKET_CODE.exec(messageOf(err))?.[1];
  const problem = connectionProblem(socketCode === undefined ? err : { code: socketCode });
  if (problem !== undefined) return { outcome: 'retry', reason: `SMTP ${problem}` };
  return { outcome: 'retry', reason: `SMTP error: ${said}` };
}
