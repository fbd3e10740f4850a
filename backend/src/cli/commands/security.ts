import { ROLES, type Role } from '../../security/config';
import type { ApiKey, AuditEntry } from '../../schema/security';
import { EXIT, positiveInt, type CommandSpec } from '../command-table';
import { relativeTime, type Column, type Output } from '../output';

function keyColumns(now: number): Array<Column<ApiKey>> {
  return [
    { header: 'ID', value: (k) => k.key_id },
    { header: 'Name', value: (k) => k.name },
    { header: 'Role', value: (k) => k.role },
    { header: 'Prefix', value: (k) => k.prefix },
    { header: 'From', value: (k) => k.origin },
    { header: 'Proxy', value: (k) => k.grafana_proxy, show: (k) => (k.grafana_proxy ? 'grafana' : '') },
    { header: 'Created', value: (k) => k.created_at, show: (k) => relativeTime(k.created_at, now) },
    { header: 'Revoked', value: (k) => k.revoked_at, show: (k) => (k.revoked_at ? relativeTime(k.revoked_at, now) : '') },
  ];
}

function auditColumns(out: Output, now: number): Array<Column<AuditEntry>> {
  return [
    { header: 'When', value: (e) => e.at, show: (e) => relativeTime(e.at, now) },
    { header: 'Who', value: (e) => e.actor },
    { header: 'Key', value: (e) => e.key_name },
    { header: 'Role', value: (e) => e.role },
    { header: 'What', value: (e) => `${e.method} ${e.path}` },
    { header: 'Count', value: (e) => e.count },
    { header: 'Status', value: (e) => e.status, show: (e) => (e.status >= 400 ? out.bold(String(e.status)) : String(e.status)) },
    { header: 'Detail', value: (e) => e.detail },
  ];
}

/** `keys create|list|revoke`: API keys and their roles (admin). */
export const KEY_COMMANDS: CommandSpec = {
  name: 'keys',
  description: 'manage API keys and their roles (source, viewer, responder, lead, admin)',
  subcommands: [
    {
      name: 'create',
      description: 'create an API key and print it (it is shown this once)',
      options: [
        { flags: '--name <name>', description: 'who or what holds the key (e.g. grafana-read, alice)' },
        { flags: '--role <role>', description: 'what it may do', choices: ROLES },
        { flags: '--grafana-proxy', description: "for a key Grafana's proxy routes send: its requests may name the person (X-Grafana-User)" },
      ],
      formats: true,
      async run(ctx, _args, o) {
        if (!o.name || !o.role) {
          ctx.out.error('give --name and --role (source, viewer, responder, lead or admin)');
          return EXIT.usage;
        }
        const created = await ctx.client.createKey(o.name, o.role as Role, o.grafanaProxy === true);
        if (ctx.format === 'json') {
          ctx.out.json(created);
          return;
        }
        ctx.out.line(created.key);
        const proxy = created.grafana_proxy ? ", Grafana's proxy key: it may name the person" : '';
        ctx.out.note(`key ${created.key_id} (${created.name}, role ${created.role}${proxy}): store it now, it is not shown again`);
      },
    },
    {
      name: 'list',
      description: 'list API keys (never their secrets)',
      formats: true,
      async run(ctx) {
        ctx.out.records(await ctx.client.listKeys(), keyColumns(ctx.now()), ctx.format);
      },
    },
    {
      name: 'revoke <key>',
      description: 'revoke an API key, by id or name',
      async run(ctx, [key]) {
        const revoked = await ctx.client.revokeKey(key);
        ctx.out.line(`${revoked.key_id} (${revoked.name}): revoked`);
      },
    },
  ],
};

/** `audit`: the audit log (admin). */
export const AUDIT_COMMAND: CommandSpec = {
  name: 'audit',
  description: 'show the audit log: every change, with who, what and when',
  options: [
    { flags: '--since <since>', description: 'only entries since then (1h, 7d or an ISO time)' },
    { flags: '--actor <actor>', description: 'only what this person did' },
    { flags: '--target <id>', description: 'only what was done to this incident, rule or key' },
    { flags: '--limit <n>', description: 'most entries', parse: positiveInt, default: 50 },
  ],
  formats: true,
  async run(ctx, _args, o) {
    const entries = await ctx.client.audit({ since: o.since, actor: o.actor, target: o.target, limit: o.limit });
    ctx.out.records(entries, auditColumns(ctx.out, ctx.now()), ctx.format);
  },
};
