import { setTimeout as sleep } from 'node:timers/promises';
import { callDemo } from './control';
import type { DemoService } from './demo-service';
import { runLoad } from './load-generator';

export interface ScenarioOptions {
  backendUrl: string;
  service: DemoService;
  /** Aborting stops the scenario (it rejects with the abort reason). */
  signal: AbortSignal;
  /** Prints one line. */
  say(line: string): void;
  /** Requests per second to the shop API, all along; default 20. */
  rps?: number;
  /** Healthy traffic before the fault; default 10 s. */
  healthyMs?: number;
  /** How long to wait for the incident to be resolved; default 3 minutes. */
  resolveTimeoutMs?: number;
  /** When the backend has not cleared the cache by then, the demo clears it as an operator would; default 90 s. */
  operatorAfterMs?: number;
}

export interface ScenarioResult {
  incidentId: string | null;
  resolved: boolean;
  load: { sent: number; ok: number; failed: number };
}

interface IncidentView {
  incident_id: string;
  title: string;
  incident_type: string;
  severity: string;
  status: string;
  event_count: number;
  detected_at: string;
  resolved_by: string | null;
  mttd: number | null;
  mttr: number | null;
}

interface ActionView {
  action_id: string;
  title?: string;
  automatic?: boolean;
  state?: string;
  runs?: Array<{
    run_id: string;
    started_at?: string | null;
    finished_at?: string | null;
    trigger?: string;
    status: string;
    verification?: string | null;
    duration_ms?: number | null;
    detail?: string | null;
  }>;
}

const DONE = new Set(['resolved', 'closed']);

/**
 * The scripted story: healthy traffic, a stale-cache fault (every request 500), the backend opening
 * an error_burst incident and clearing the cache on its own, recovery, resolution, the post-mortem.
 */
export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const { service, signal, say } = o;
  const rps = o.rps ?? 20;
  const healthyMs = o.healthyMs ?? 10_000;
  const resolveTimeoutMs = o.resolveTimeoutMs ?? 180_000;
  const operatorAfterMs = o.operatorAfterMs ?? 90_000;
  const api = (path: string) => getJson(`${o.backendUrl}${path}`, signal);

  const stopLoad = new AbortController();
  const load = runLoad({
    url: service.url,
    rps,
    durationMs: healthyMs + resolveTimeoutMs + 10_000,
    signal: AbortSignal.any([signal, stopLoad.signal]),
  });
  try {
    say(`Step 1: healthy traffic, ${rps} requests/s to GET ${service.url}/api/work for ${healthyMs / 1000} s.`);
    say('        Each request is reported to the backend as an event (request_ok when it went well).');
    await sleep(healthyMs, undefined, { signal });
    const s1 = service.state();
    say(
      `        ${s1.requests.total} requests, ${s1.requests.ok} answered 200; ${s1.events.reported} events reported.`
    );

    say('');
    say("Step 2: fault injected: the shop API's cache now holds a stale entry, so every GET /api/work answers 500.");
    say('        Each failure is reported as an api_error event; error_burst opens an incident at 10 errors in 60 s.');
    const faultAt = Date.now();
    await callDemo(service.url, 'POST', '/admin/fault', { body: { mode: 'error' } });

    say('');
    say(`Step 3: watching the backend (once a second, up to ${resolveTimeoutMs / 1000} s) while the traffic goes on.`);
    const watched = await watch(o, api, faultAt, resolveTimeoutMs, operatorAfterMs);

    stopLoad.abort();
    const totals = await load;
    say('');
    say(`Traffic: ${totals.sent} requests, ${totals.ok} answered 200, ${totals.failed} failed.`);
    if (watched.incidentId) {
      say('');
      say(`Step 4: the post-mortem (GET ${o.backendUrl}/api/v1/incidents/${watched.incidentId}/postmortem):`);
      say('');
      try {
        say(await getText(`${o.backendUrl}/api/v1/incidents/${watched.incidentId}/postmortem`, signal));
      } catch (err) {
        say(`(could not fetch the post-mortem: ${(err as Error).message})`);
      }
    }
    return { ...watched, load: totals };
  } finally {
    stopLoad.abort();
    await load.catch(() => undefined);
  }
}

async function watch(
  o: ScenarioOptions,
  api: (path: string) => Promise<unknown>,
  faultAt: number,
  timeoutMs: number,
  operatorAfterMs: number
): Promise<{ incidentId: string | null; resolved: boolean }> {
  const { service, signal, say } = o;
  const since = (t = Date.now()) => `${((t - faultAt) / 1000).toFixed(1)} s`;
  let incident: IncidentView | null = null;
  let wasFailing = true;
  let operatorDone = false;
  let lastError = '';
  let lastProgress = Date.now();
  const seenActions = new Map<string, string>();

  while (Date.now() - faultAt < timeoutMs) {
    await sleep(1000, undefined, { signal });
    // what this look found, printed in the order it happened
    const notes: Array<{ at: number; line: string }> = [];
    const note = (line: string, at = Date.now()) => notes.push({ at: Number.isFinite(at) ? at : Date.now(), line });
    try {
      if (!incident) {
        const list = (await api('/api/v1/incidents?limit=5')) as IncidentView[];
        incident = list.find((i) => Date.parse(i.detected_at) >= faultAt - 60_000 && !DONE.has(i.status)) ?? null;
        if (incident) {
          const i = incident;
          note(
            `incident ${i.incident_id} opened: "${i.title}" (${i.incident_type}, ${i.severity}), status ${i.status}, ${i.event_count} events.`,
            Date.parse(i.detected_at)
          );
        }
      } else {
        const now = (await api(`/api/v1/incidents/${incident.incident_id}`)) as IncidentView;
        if (now.status !== incident.status) note(`incident ${now.incident_id}: ${incident.status} -> ${now.status}`);
        if (now.severity !== incident.severity) {
          note(`incident ${now.incident_id}: severity ${incident.severity} -> ${now.severity}`);
        }
        incident = now;
      }
      if (incident) {
        const actions = await api(`/api/v1/incidents/${incident.incident_id}/actions`).catch(() => []);
        for (const n of actionNotes(actions as ActionView[], seenActions, Date.parse(incident.detected_at))) {
          note(n.line, n.at);
        }
      }
      lastError = '';
    } catch (err) {
      if (signal.aborted) throw err;
      const msg = (err as Error).message;
      if (msg !== lastError) note(`(backend not answering: ${msg})`);
      lastError = msg;
    }
    const st = service.state();
    if (wasFailing && st.mode !== 'error') {
      wasFailing = false;
      const key = st.cache.last_clear?.idempotency_key;
      note(
        `shop-api: its cache was cleared by POST /cache/clear${key ? ` (Idempotency-Key ${key})` : ''}; GET /api/work answers 200 again.`,
        Date.parse(st.cache.last_clear?.at ?? '')
      );
    }
    for (const n of notes.sort((a, b) => a.at - b.at)) say(`  +${since(n.at)}  ${n.line}`);
    if (wasFailing && !operatorDone && Date.now() - faultAt >= operatorAfterMs) {
      operatorDone = true;
      say(`  +${since()}  the backend has not cleared the cache in ${operatorAfterMs / 1000} s (is remediation on?);`);
      say('           clearing it by hand, as an operator would.');
      const headers = { 'Idempotency-Key': 'demo-operator' };
      await callDemo(service.url, 'POST', '/cache/clear', { headers }).catch(() => undefined);
    }
    if (incident && DONE.has(incident.status)) {
      const mttr = incident.mttr === null ? '' : `, MTTR ${incident.mttr.toFixed(1)} s`;
      const mttd = incident.mttd === null ? '' : `MTTD ${incident.mttd.toFixed(1)} s`;
      say(`  +${since()}  resolved (by ${incident.resolved_by ?? 'unknown'}; ${mttd}${mttr}).`);
      return { incidentId: incident.incident_id, resolved: true };
    }
    if (Date.now() - lastProgress >= 15_000) {
      lastProgress = Date.now();
      const where = incident ? `incident ${incident.status}` : 'no incident yet';
      say(`  +${since()}  ... waiting: ${where}; shop-api ${st.mode === 'error' ? 'failing' : 'healthy'}.`);
    }
  }
  say(`  the incident was not resolved within ${timeoutMs / 1000} s.`);
  return { incidentId: incident?.incident_id ?? null, resolved: false };
}

/** What is new about the actions since the last look, each with when it happened. */
function actionNotes(
  actions: ActionView[],
  seen: Map<string, string>,
  recommendedAt: number
): Array<{ at: number; line: string }> {
  const notes: Array<{ at: number; line: string }> = [];
  if (!Array.isArray(actions)) return notes;
  for (const a of actions) {
    const key = `action:${a.action_id}`;
    if (!seen.has(key)) {
      seen.set(key, '');
      const title = a.title ? ` ("${a.title}")` : '';
      notes.push({
        at: recommendedAt,
        line: `the backend recommends ${a.action_id}${title}${a.automatic ? ', to run on its own' : ''}; state ${a.state ?? '?'}`,
      });
    }
    for (const r of a.runs ?? []) {
      const now = `${r.status}/${r.verification ?? '-'}`;
      if (seen.get(r.run_id) === now) continue;
      seen.set(r.run_id, now);
      const judged = r.verification === 'helped' || r.verification === 'did_not_help';
      const took = r.duration_ms === null || r.duration_ms === undefined ? '' : ` in ${r.duration_ms} ms`;
      const verified = r.verification ? `; verification: ${r.verification}` : '';
      notes.push({
        at: judged ? Date.now() : Date.parse(r.finished_at ?? r.started_at ?? ''),
        line: `action ${a.action_id} (${r.trigger ?? 'run'}): ${r.status}${took}${verified}${r.detail ? ` (${r.detail})` : ''}`,
      });
    }
  }
  return notes;
}

async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function getText(url: string, signal: AbortSignal): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]) });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} ${text.slice(0, 200)}`);
  return text;
}
