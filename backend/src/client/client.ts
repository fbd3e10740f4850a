import type { DsQueryRequestSchema, DsQueryResponse } from '../datasource/schema';
import type { IngestResult, IncidentEventDto, IncidentEventInput } from '../schema/events';
import type { Incident, IncidentCreateSchema, IncidentPatchSchema, Stats, TimelineEntry } from '../schema/incidents';
import type { Delivery } from '../schema/notifications';
import type { Postmortem, PostmortemPatch } from '../schema/postmortem';
import type { ActionRun, ExecuteActionSchema, RemediationAction } from '../schema/remediation';
import type { DetectionRule, DetectionRuleCreateSchema, DetectionRulePatchSchema, RuleTestResult } from '../schema/rules';
import type { ActionApproval, ApiKey, ApiKeyCreated, AuditEntry } from '../schema/security';
import type { Role } from '../security/config';
import type { z } from 'zod';
import { ApiError, UnreachableError } from './errors';

export { ApiError, UnreachableError } from './errors';

/** An incident with what `?include=` added. */
export type IncidentDetail = Incident & {
  timeline?: TimelineEntry[];
  postmortem?: string;
  actions?: RemediationAction[];
  notifications?: Delivery[];
};

export interface IncidentFilter {
  status?: string;
  severity?: string;
  type?: string;
  component?: string;
  since?: string;
  limit?: number;
}

/** A change of an incident heard on the live stream. */
export interface StreamMessage {
  type: 'incident_created' | 'incident_updated';
  incident: Incident;
}

export interface ClientOptions {
  /** The backend, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  /** Who is acting (sent as `X-Grafana-User`). */
  actor?: string;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * The one typed client of the backend's API: the CLI uses it, and the plugin can (it needs only
 * `fetch`). Its types are the wire schemas' own, so nothing here is typed twice.
 */
export class MahavishnuClient {
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: ClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    // A browser's fetch must be called on the window, not as a method of this client.
    this.doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The same client with another API key. */
  withKey(apiKey: string): MahavishnuClient {
    return new MahavishnuClient({ ...this.opts, apiKey });
  }

  get url(): string {
    return this.base;
  }

  listIncidents(f: IncidentFilter = {}): Promise<Incident[]> {
    return this.json('GET', '/api/v1/incidents', undefined, { ...f });
  }

  getIncident(id: string, include: Array<'timeline' | 'postmortem' | 'actions' | 'notifications'> = []): Promise<IncidentDetail> {
    return this.json('GET', `/api/v1/incidents/${enc(id)}`, undefined, { include: include.length ? include.join(',') : undefined });
  }

  createIncident(body: z.input<typeof IncidentCreateSchema>): Promise<Incident> {
    return this.json('POST', '/api/v1/incidents', body);
  }

  updateIncident(id: string, body: z.input<typeof IncidentPatchSchema>): Promise<Incident> {
    return this.json('PATCH', `/api/v1/incidents/${enc(id)}`, body);
  }

  acknowledge(id: string): Promise<Incident> {
    return this.json('POST', `/api/v1/incidents/${enc(id)}/acknowledge`, {});
  }

  assign(id: string, assignee: string | null): Promise<Incident> {
    return this.json('POST', `/api/v1/incidents/${enc(id)}/assign`, { assignee });
  }

  resolve(id: string, notes?: string): Promise<Incident> {
    return this.json('POST', `/api/v1/incidents/${enc(id)}/resolve`, notes ? { notes } : {});
  }

  close(id: string, notes?: string): Promise<Incident> {
    return this.json('POST', `/api/v1/incidents/${enc(id)}/close`, notes ? { notes } : {});
  }

  timeline(id: string, q: { event_type?: string; source?: string; limit?: number } = {}): Promise<TimelineEntry[]> {
    return this.json('GET', `/api/v1/incidents/${enc(id)}/timeline`, undefined, q);
  }

  async postmortemMarkdown(id: string): Promise<string> {
    return (await this.request('GET', `/api/v1/incidents/${enc(id)}/postmortem`)).text();
  }

  postmortem(id: string): Promise<Postmortem> {
    return this.json('GET', `/api/v1/incidents/${enc(id)}/postmortem`, undefined, { format: 'json' });
  }

  editPostmortem(id: string, body: PostmortemPatch): Promise<Postmortem> {
    return this.json('PATCH', `/api/v1/incidents/${enc(id)}/postmortem`, body);
  }

  actions(id: string): Promise<RemediationAction[]> {
    return this.json('GET', `/api/v1/incidents/${enc(id)}/actions`);
  }

  runAction(id: string, actionId: string, body: z.input<typeof ExecuteActionSchema> = {}): Promise<ActionRun> {
    return this.json('POST', `/api/v1/incidents/${enc(id)}/actions/${enc(actionId)}`, body);
  }

  /** Approves one risky action of one incident, until it expires. */
  approveAction(id: string, actionId: string, body: { expires_in_seconds?: number; approved_by?: string } = {}): Promise<ActionApproval> {
    return this.json('POST', '/api/v1/approvals', { incident_id: id, action_id: actionId, ...body });
  }

  approvals(id: string): Promise<ActionApproval[]> {
    return this.json('GET', `/api/v1/incidents/${enc(id)}/approvals`);
  }

  listKeys(): Promise<ApiKey[]> {
    return this.json('GET', '/api/v1/keys');
  }

  /** The answer holds the key itself, shown this once. */
  createKey(name: string, role: Role, grafanaProxy = false): Promise<ApiKeyCreated> {
    return this.json('POST', '/api/v1/keys', { name, role, ...(grafanaProxy ? { grafana_proxy: true } : {}) });
  }

  revokeKey(idOrName: string): Promise<ApiKey> {
    return this.json('DELETE', `/api/v1/keys/${enc(idOrName)}`);
  }

  audit(q: { since?: string; actor?: string; target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    return this.json('GET', '/api/v1/audit', undefined, q);
  }

  me(): Promise<{ actor: string | null; key_name: string | null; role: Role | null; keys_required: boolean }> {
    return this.json('GET', '/api/v1/me');
  }

  notifications(id: string): Promise<Delivery[]> {
    return this.json('GET', `/api/v1/incidents/${enc(id)}/notifications`);
  }

  stats(since?: string): Promise<Stats> {
    return this.json('GET', '/api/v1/stats', undefined, { since });
  }

  postEvents(events: IncidentEventInput[]): Promise<IngestResult> {
    return this.json('POST', '/api/v1/events', events);
  }

  listEvents(q: { since?: string; source?: string; event_type?: string; limit?: number } = {}): Promise<IncidentEventDto[]> {
    return this.json('GET', '/api/v1/events', undefined, q);
  }

  /** The Grafana datasource's endpoint: each query's frames, or its error, by refId. */
  query(body: z.input<typeof DsQueryRequestSchema>): Promise<DsQueryResponse> {
    return this.json('POST', '/api/v1/query', body);
  }

  listRules(enabled?: boolean): Promise<DetectionRule[]> {
    return this.json('GET', '/api/v1/rules', undefined, { enabled });
  }

  getRule(id: string): Promise<DetectionRule> {
    return this.json('GET', `/api/v1/rules/${enc(id)}`);
  }

  createRule(body: z.input<typeof DetectionRuleCreateSchema>): Promise<DetectionRule> {
    return this.json('POST', '/api/v1/rules', body);
  }

  updateRule(id: string, body: z.input<typeof DetectionRulePatchSchema>): Promise<DetectionRule> {
    return this.json('PATCH', `/api/v1/rules/${enc(id)}`, body);
  }

  setRuleEnabled(id: string, enabled: boolean): Promise<DetectionRule> {
    return this.json('POST', `/api/v1/rules/${enc(id)}/${enabled ? 'enable' : 'disable'}`, {});
  }

  testRule(id: string, events: unknown[], dryRun = true): Promise<RuleTestResult> {
    return this.json('POST', `/api/v1/rules/${enc(id)}/test`, { events, dry_run: dryRun });
  }

  ready(): Promise<Record<string, unknown>> {
    return this.json('GET', '/readyz');
  }

  /** This replica and the one that leads the engine. */
  cluster(): Promise<{
    replica_id: string;
    role: 'leader' | 'standby';
    store: string;
    leader: { replica_id: string; term: number; address: string | null; lease_expires_at: string | null } | null;
  }> {
    return this.json('GET', '/api/v1/cluster');
  }

  /** Listens to the live stream until `signal` aborts; each incident change is handed to `onMessage`. */
  async stream(onMessage: (m: StreamMessage) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    const res = await this.request('GET', '/api/v1/stream', undefined, undefined, signal);
    onOpen?.();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if ((event === 'incident_created' || event === 'incident_updated') && data) {
            onMessage({ type: event, incident: JSON.parse(data) as Incident });
          }
        }
      }
    } catch (err) {
      if (!signal.aborted) {
        throw err;
      }
    }
  }

  private async json<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const res = await this.request(method, path, body, query);
    return (await res.json()) as T;
  }

  private async request(method: string, path: string, body?: unknown, query?: Query, signal?: AbortSignal): Promise<Response> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined) {
        url.searchParams.set(k, String(v));
      }
    }
    const headers: Record<string, string> = {};
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (this.opts.apiKey) {
      headers.authorization = `Bearer ${this.opts.apiKey}`;
    }
    if (this.opts.actor) {
      headers['x-grafana-user'] = this.opts.actor;
    }
    let res: Response;
    try {
      res = await this.doFetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      if (signal?.aborted) {
        throw err;
      }
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new UnreachableError(this.base, cause?.code ?? (err as Error).message);
    }
    if (!res.ok) {
      const text = await res.text();
      let parsed: { error?: { code?: string; message?: string; details?: Array<{ field: string; message: string }> } } = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        // not the contract's error shape: keep the text
      }
      throw new ApiError(res.status, parsed.error?.code ?? `http_${res.status}`, parsed.error?.message ?? (text.slice(0, 200) || res.statusText), parsed.error?.details ?? []);
    }
    return res;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
