import { defineChannel } from '../definition';
import { EmailChannelConfigSchema } from './config';
import { createEmailChannel } from './email-channel';

export { EmailChannelConfigSchema, SmtpConfigSchema, type EmailChannelConfig } from './config';
export { createEmailChannel } from './email-channel';
export { emailSubject, emailText, emailHtml, escapeHtml } from './render';
export { classifySmtpError } from './smtp-result';

/** The e-mail channel type, as the registry lists it. */
export const emailChannel = defineChannel({
  type: 'email',
  schema: EmailChannelConfigSchema,
  create: createEmailChannel,
  secrets: (cfg) => (cfg.smtp.password === undefined ? [] : [cfg.smtp.password]),
});
