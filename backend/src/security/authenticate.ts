import type { IncomingMessage } from 'node:http';
import { ForbiddenError, UnauthorizedError } from '../util/errors';
import { OPEN_CALLER, type Caller } from './caller';
import type { KeyRing } from './keys';
import { mayAccess, roleFor, type Access } from './roles';
import type { GrafanaSignatureVerifier } from './webhook-signature';

/** What the HTTP layer checks requests with. */
export interface RequestSecurity {
  keys: KeyRing;
  /** Set when Grafana's webhook contact point signs its body (`security.webhooks.grafana`). */
  grafanaWebhook?: GrafanaSignatureVerifier;
}

/** The raw bodies of requests, kept for signature checks (express.json's `verify`). */
const rawBodies = new WeakMap<IncomingMessage, Buffer>();

export function keepRawBody(req: IncomingMessage, buf: Buffer): void {
  rawBodies.set(req, buf);
}

/** The body's bytes as sent (JSON bodies only). */
export function rawBodyOf(req: IncomingMessage): Buffer | undefined {
  return rawBodies.get(req);
}

/**
 * The key a request carries: `Authorization: Bearer <key>`, or the password of
 * `Authorization: Basic` (Alertmanager's `basic_auth` and Grafana's contact points send either).
 */
export function credentialOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization?.trim();
  if (!header) {
    return undefined;
  }
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) {
    return value || undefined;
  }
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
  }
  return undefined;
}

/**
 * Who is asking: with no key configured, anyone (loopback only, see `assertListenable`); otherwise the
 * holder of a valid key (401 without one). A signed Grafana webhook is let in by its signature.
 */
export function authenticate(req: IncomingMessage, access: Access, sec: RequestSecurity, signed?: 'grafana'): Caller {
  if (access === 'public') {
    return OPEN_CALLER;
  }
  if (signed === 'grafana' && sec.grafanaWebhook) {
    sec.grafanaWebhook.verify(rawBodies.get(req), (name) => headerOf(req, name));
    return { actor: 'grafana', keyName: null, role: 'source' };
  }
  if (!sec.keys.enforced) {
    return OPEN_CALLER;
  }
  const credential = credentialOf(req);
  if (!credential) {
    throw new UnauthorizedError(
      'this backend requires an API key: send Authorization: Bearer <key> (an admin creates keys with `mahavishnu incidents keys create`)'
    );
  }
  const key = sec.keys.authenticate(credential);
  if (!key) {
    throw new UnauthorizedError('the API key is not valid: unknown or revoked');
  }
  // The person comes from Grafana's proxy (`[dataproxy] send_user_header`), trusted only with one of
  // the keys its routes send: any other key holder could name anyone.
  const user = headerOf(req, 'x-grafana-user')?.trim() || undefined;
  if (user !== undefined && !key.grafanaProxy) {
    // The key's own name is no claim to ignore.
    return { actor: key.name, keyName: key.name, role: key.role, ...(user === key.name ? {} : { ignoredUser: user }) };
  }
  return { actor: user ?? key.name, keyName: key.name, role: key.role };
}

/** A request header by name, as express's `req.get` reads it (repeated ones joined). */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Whether the caller's role may call a route that needs `access` (403 naming the role it needs). */
export function authorize(caller: Caller, access: Access): void {
  if (caller.role !== null && !mayAccess(caller.role, access)) {
    throw new ForbiddenError(`the key ${caller.keyName} (role ${caller.role}) may not do this: it needs the role ${roleFor(access)}`);
  }
}
