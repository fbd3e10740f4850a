import type { Role } from './config';

/**
 * What a route needs. `public`: anyone (health, metrics, the OpenAPI document, the dashboard's
 * files); `read`: viewers and above; `ingest`: event sources and responders and above; `respond`:
 * responders and above; `admin`: admins.
 */
export type Access = 'public' | 'read' | 'ingest' | 'respond' | 'admin';

const GRANTS: Record<Role, ReadonlySet<Access>> = {
  source: new Set(['public', 'ingest']),
  viewer: new Set(['public', 'read']),
  responder: new Set(['public', 'read', 'ingest', 'respond']),
  lead: new Set(['public', 'read', 'ingest', 'respond']),
  admin: new Set(['public', 'read', 'ingest', 'respond', 'admin']),
};

/** The people's roles in order: each may do what the ones before it may. */
const RANK: Record<Role, number> = { source: 0, viewer: 1, responder: 2, lead: 3, admin: 4 };

export function mayAccess(role: Role, access: Access): boolean {
  return GRANTS[role].has(access);
}

/** Whether `role` is `needed` or above it (a lead may do what a responder may). */
export function atLeast(role: Role, needed: Role): boolean {
  return role !== 'source' && RANK[role] >= RANK[needed];
}

/** The least role that has `access`, for messages. */
export function roleFor(access: Access): string {
  return { public: 'none', read: 'viewer', ingest: 'source or responder', respond: 'responder', admin: 'admin' }[access];
}
