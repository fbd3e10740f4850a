import { z } from 'zod';
import { checkJsonTemplate, checkTemplate } from '../template';

// RFC 9110 token: what a header name may be. Checked at load so a typo does not fail every run.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Whether a URL template is an http(s) URL whatever its placeholders render to. */
function isHttpUrlTemplate(url: string): boolean {
  // Placeholders stand in as a plain word: the scheme and host must then be written out in config,
  // so no param can turn the target into another scheme.
  try {
    const parsed = new URL(url.replace(/\{\{[^{}]*\}\}/g, 'x'));
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Config of an action that calls an HTTP endpoint; URL, header values and body are templates. */
export const HttpExecutorConfigSchema = z
  .object({
    kind: z.literal('http'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: z.string(),
    headers: z.record(z.string(), z.string()).default({}),
    /** A string is sent as rendered; an object or array is rendered leaf by leaf and sent as JSON. */
    body: z.union([z.string(), z.record(z.string(), z.json()), z.array(z.json())]).optional(),
    timeout_seconds: z.number().int().min(1).max(300).default(10),
    /** Statuses that count as success; empty means any 2xx. */
    expected_status: z.array(z.number().int().min(100).max(599)).default([]),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const urlProblem = checkTemplate(cfg.url);
    if (urlProblem) ctx.addIssue({ code: 'custom', path: ['url'], message: urlProblem });
    else if (!isHttpUrlTemplate(cfg.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'must be an http(s) URL with the scheme and host written out',
      });
    }
    for (const [name, value] of Object.entries(cfg.headers)) {
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', path: ['headers', name], message: 'not a valid header name' });
      }
      const problem = checkTemplate(value);
      if (problem) ctx.addIssue({ code: 'custom', path: ['headers', name], message: problem });
    }
    if (cfg.body !== undefined) {
      const problem = typeof cfg.body === 'string' ? checkTemplate(cfg.body) : checkJsonTemplate(cfg.body);
      if (problem) ctx.addIssue({ code: 'custom', path: ['body'], message: problem });
    }
  });

/** A parsed http executor config, defaults applied. */
export type HttpExecutorConfig = z.output<typeof HttpExecutorConfigSchema>;
