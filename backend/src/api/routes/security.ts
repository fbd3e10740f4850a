import { z } from 'zod';
import { redactedConfig } from '../../security/redact';
import {
  ActionApprovalSchema,
  ApiKeyCreatedSchema,
  ApiKeyCreateSchema,
  ApiKeySchema,
  ApproveActionSchema,
  AuditEntrySchema,
  AuditQuerySchema,
  RoleSchema,
} from '../../schema/security';
import { route, type RouteDef } from '../route';
import type { Services } from '../services';

/** Approvals of risky actions, API keys, the audit log, who the caller is, the configuration. */
export function securityRoutes(s: Services): RouteDef[] {
  return [
    route({
      method: 'post',
      // Not nested under the incident: Grafana's proxy routes match path prefixes, and this one needs
      // its own route (a lead's key) apart from the responders' `api/v1/incidents/...`.
      path: '/api/v1/approvals',
      tag: 'remediation',
      summary: 'Approve one risky action of one incident until it expires (medium: a responder, high: a lead)',
      body: ApproveActionSchema,
      response: ActionApprovalSchema,
      status: 201,
      errors: [401, 403, 404, 409],
      handler: ({ body, caller }) => s.remediation.approve(body, caller),
    }),
    route({
      method: 'get',
      path: '/api/v1/incidents/:id/approvals',
      tag: 'remediation',
      summary: "The incident's approvals: who approved which action, until when, and the run that used it",
      response: z.array(ActionApprovalSchema),
      errors: [404],
      handler: ({ params }) => s.remediation.approvals(params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/keys',
      tag: 'security',
      access: 'admin',
      summary: 'API keys (never their secrets), configured ones first, revoked ones too',
      response: z.array(ApiKeySchema),
      handler: () => s.security.keys.list(),
    }),
    route({
      method: 'post',
      path: '/api/v1/keys',
      tag: 'security',
      access: 'admin',
      summary: 'Create an API key; the answer holds the key, which is shown this once',
      body: ApiKeyCreateSchema,
      response: ApiKeyCreatedSchema,
      status: 201,
      errors: [401, 403, 409],
      handler: ({ body, caller }) => s.security.keys.create(body.name, body.role, caller.actor, body.grafana_proxy),
    }),
    route({
      method: 'delete',
      path: '/api/v1/keys/:id',
      tag: 'security',
      access: 'admin',
      summary: 'Revoke an API key (by id or name); the last admin key cannot be revoked',
      response: ApiKeySchema,
      errors: [401, 403, 404, 409],
      handler: ({ params, caller }) => s.security.keys.revoke(params.id, caller.actor),
    }),
    route({
      method: 'get',
      path: '/api/v1/audit',
      tag: 'security',
      access: 'admin',
      summary: 'The audit log, newest first: every mutation with who, what, when and its answer',
      query: AuditQuerySchema,
      response: z.array(AuditEntrySchema),
      handler: ({ query }) => s.audit.list(query),
    }),
    route({
      method: 'get',
      path: '/api/v1/me',
      tag: 'security',
      summary: 'Who the backend takes the caller for, and whether keys are required',
      response: z.object({ actor: z.string().nullable(), key_name: z.string().nullable(), role: RoleSchema.nullable(), keys_required: z.boolean() }),
      handler: ({ caller }) => ({ actor: caller.actor, key_name: caller.keyName, role: caller.role, keys_required: s.security.keys.enforced }),
    }),
    route({
      method: 'get',
      path: '/api/v1/config',
      tag: 'security',
      access: 'admin',
      summary: 'The configuration in force; every secret shows only as "(set)"',
      response: z.record(z.string(), z.unknown()),
      handler: () => redactedConfig(s.config),
    }),
  ];
}
