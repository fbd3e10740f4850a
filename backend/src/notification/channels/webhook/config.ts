import { z } from 'zod';
import { HttpUrlSchema, TimeoutSecondsSchema } from '../config-parts';

/** RFC 9110 token characters: anything else is not a header name undici would send. */
const HeaderNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');
/** A CR or LF in a value would let the config smuggle in headers of its own. */
const HeaderValueSchema = z.string().regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks');

/** Headers the channel sets itself, or that belong to the HTTP connection rather than to the request. */
const RESERVED = new Set(['content-type', 'content-length', 'host', 'connection', 'transfer-encoding']);
const isReserved = (name: string) => RESERVED.has(name.toLowerCase()) || name.toLowerCase().startsWith('x-mahavishnu-');

/** A generic JSON webhook, optionally signed so the receiver can tell our calls from forged ones. */
export const WebhookChannelConfigSchema = z
  .object({
    type: z.literal('webhook'),
    url: HttpUrlSchema,
    /** Key of the HMAC-SHA256 signature; 16 characters at least, as a shorter one is guessable. */
    secret: z.string().min(16).optional(),
    /** Extra headers, typically an Authorization header the receiver asks for. */
    headers: z
      .record(HeaderNameSchema, HeaderValueSchema)
      .refine(
        (h) => !Object.keys(h).some(isReserved),
        'headers cannot set content-type, host, connection details or X-Mahavishnu-*'
      )
      .optional(),
    timeout_seconds: TimeoutSecondsSchema,
  })
  .strict();

/** A parsed webhook config, defaults filled in. */
export type WebhookChannelConfig = z.output<typeof WebhookChannelConfigSchema>;
