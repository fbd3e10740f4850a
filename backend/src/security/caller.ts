import type { Role } from './config';

/**
 * Who is asking. With keys configured every request but the public ones carries a valid key: its
 * role says what it may do and the person is `X-Grafana-User` (set by Grafana's proxy, honoured only
 * with a key marked `grafana_proxy`) or the key's name. With no key configured (loopback only)
 * nothing is checked: `role` is null.
 */
export interface Caller {
  /** The person acting, as recorded on incidents, runs and the audit log. */
  actor: string | null;
  keyName: string | null;
  role: Role | null;
  /** The `X-Grafana-User` a key not marked as Grafana's proxy key sent: ignored (the key's name acts), and audited. */
  ignoredUser?: string;
}

/** The caller of a backend with no keys: anyone on loopback, unrestricted. */
export const OPEN_CALLER: Caller = { actor: null, keyName: null, role: null };

