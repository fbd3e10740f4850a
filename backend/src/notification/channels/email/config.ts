import { z } from 'zod';
import { TimeoutSecondsSchema } from '../config-parts';

/** How to reach the SMTP relay; without `require_tls`, STARTTLS is used when offered and plain SMTP otherwise. */
export const SmtpConfigSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** TLS from the first byte (port 465); false means plain SMTP, upgraded by STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** Refuse to send unless the connection is upgraded with STARTTLS. */
    require_tls: z.boolean().default(false),
  })
  .strict()
  .refine((s) => (s.user === undefined) === (s.password === undefined), {
    message: 'user and password are given together or not at all',
    path: ['password'],
  });

/** A list of people reached by e-mail through one SMTP relay. */
export const EmailChannelConfigSchema = z
  .object({
    type: z.literal('email'),
    smtp: SmtpConfigSchema,
    from: z.email(),
    to: z.array(z.email()).min(1),
    timeout_seconds: TimeoutSecondsSchema,
  })
  .strict();

/** A parsed e-mail config, defaults filled in. */
export type EmailChannelConfig = z.output<typeof EmailChannelConfigSchema>;
