import { mttd, mttr } from '../correlation/correlator';
import type { IncidentRecord } from '../domain/records';
import { INCIDENT_TYPE_NAMES, isActiveStatus } from '../schema/enums';
import type { TimelineEntry } from '../schema/incidents';
import type { Delivery } from '../schema/notifications';
import type { FollowUp, Postmortem, PostmortemEdits } from '../schema/postmortem';
import type { ActionRun, ActionState, RemediationAction } from '../schema/remediation';
import { iso, round3 } from '../util/time';
import { defaultFollowUps } from './follow-ups';

/** Everything a post-mortem is made of: the incident, what happened to it, and what people wrote. */
export interface PostmortemInput {
  incident: IncidentRecord;
  timeline: TimelineEntry[];
  actions: RemediationAction[];
  deliveries: Delivery[];
  edits: PostmortemEdits;
  /** The largest share of error events in any one minute, 0..1 (see `peakErrorRate`). */
  peakErrorRate: number | null;
  /** When the post-mortem was first generated (epoch ms); null while it never was. */
  generatedAt: number | null;
  /** When it was last regenerated from newer data (epoch ms). */
  refreshedAt: number | null;
  now: number;
}

/** Rows of the timeline table; the rest is summed up in one "... N more" row. */
export const TIMELINE_ROWS = 200;

const STATE_LABELS: Record<ActionState, string> = {
  recommended: 'Recommended',
  awaiting_approval: 'Awaiting approval',
  todo: 'To do',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Success',
  failed: 'Failed',
  unknown: 'Unknown',
  dry_run: 'Dry run',
  did_not_help: 'Did not help',
};

/** Run statuses are action states too, labelled alike. */
const RUN_LABELS: Record<ActionRun['status'], string> = STATE_LABELS;

/** Seconds as a reader wants them: `42s`, `12m 5s`, `3h 10m`. */
export function humanDuration(seconds: number): string {
  if (seconds < 60) {
    return `${Math.round(seconds * 10) / 10}s`;
  }
  const total = Math.round(seconds);
  if (total < 3600) {
    const m = Math.floor(total / 60);
    const s = total % 60;
    return s ? `${m}m ${s}s` : `${m}m`;
  }
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return m ? `${h}h ${m}m` : `${h}h`;
}

/** A value made safe for one markdown table cell: no pipes, no line breaks. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, ' ');
}

/** Text on one line (for list items and quotes). */
function oneLine(text: string): string {
  return text.replace(/\s*(\r\n|\r|\n)\s*/g, ' ').trim();
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((h) => '-'.repeat(h.length + 2)).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function runTime(r: ActionRun): string {
  return r.finished_at ?? r.started_at ?? r.queued_at;
}

function runResult(r: ActionRun): string {
  const text = r.detail ?? (r.output ? oneLine(r.output).slice(0, 200) : null);
  const verdict =
    r.verification === 'did_not_help' ? ' (did not help)' : r.verification === 'helped' ? ' (helped)' : '';
  return `${RUN_LABELS[r.status]}${text ? `: ${oneLine(text)}` : ''}${verdict}`;
}

function approvalText(a: RemediationAction, r: ActionRun): string {
  if (r.approved_by) {
    return `approved by ${r.approved_by}`;
  }
  return a.approval === 'none' ? 'no approval needed' : 'no approval recorded';
}

function sortedDistribution(m: Record<string, number> | undefined): Array<[string, number]> {
  return Object.entries(m ?? {}).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
}

/** The status_changed entry that resolved the incident, and the reason it gives. */
function resolutionReason(timeline: TimelineEntry[]): string | null {
  const entries = timeline.filter(
    (t) => t.kind === 'lifecycle' && t.event_type === 'status_changed' && t.data?.to === 'resolved'
  );
  const last = entries[entries.length - 1];
  if (!last) {
    return null;
  }
  const m = /-> resolved: ([\s\S]*)$/.exec(last.message);
  return m ? oneLine(m[1]) : null;
}

interface Facts {
  inc: IncidentRecord;
  typeName: string;
  components: string;
  mttd: number;
  mttr: number | null;
  /** Start to resolution; null while unresolved. */
  durationSeconds: number | null;
  /** Start to resolution, or to now while unresolved. */
  elapsedSeconds: number;
  durationText: string;
}

function facts(input: PostmortemInput): Facts {
  const inc = input.incident;
  const r = mttr(inc);
  const durationSeconds = inc.resolved_at === null ? null : Math.max(0, (inc.resolved_at - inc.started_at) / 1000);
  const elapsedSeconds = durationSeconds ?? Math.max(0, (input.now - inc.started_at) / 1000);
  const durationText =
    durationSeconds === null ? `ongoing (${humanDuration(elapsedSeconds)} so far)` : humanDuration(durationSeconds);
  return {
    inc,
    typeName: INCIDENT_TYPE_NAMES[inc.incident_type],
    components: inc.affected_components.join(', '),
    mttd: mttd(inc),
    mttr: r,
    durationSeconds,
    elapsedSeconds,
    durationText,
  };
}

function generatedSummary(f: Facts, timeline: TimelineEntry[]): string {
  const { inc } = f;
  const rc = inc.root_cause;
  const first =
    `${f.typeName} incident ${inc.incident_id} (${inc.severity}) affected ${f.components || 'no recorded component'}` +
    ` with ${plural(inc.event_count, 'event')}.`;
  const second = rc?.primary_error_type
    ? ` The root cause was most likely ${rc.primary_error_type}${rc.primary_source ? ` from ${rc.primary_source}` : ''}` +
      `${rc.evidence ? `, first seen at ${rc.evidence.timestamp}` : ''}.`
    : ' No root cause was identified.';
  let third: string;
  if (inc.resolved_at === null) {
    third = ` It is still active (status: ${inc.status}) after ${humanDuration(f.elapsedSeconds)}.`;
  } else if (inc.resolved_by === 'auto') {
    third = ` It was resolved automatically at ${iso(inc.resolved_at)}, ${humanDuration(f.mttr ?? 0)} after detection, when the recovery criteria were met.`;
  } else {
    const reason = resolutionReason(timeline);
    const notes = reason?.startsWith('resolved: ') ? reason.slice('resolved: '.length) : null;
    third = ` It was resolved by ${inc.resolved_by ?? 'an unknown person'} at ${iso(inc.resolved_at)}, ${humanDuration(f.mttr ?? 0)} after detection${notes ? `: ${notes}` : ''}.`;
  }
  return first + second + third;
}

function timelineRows(timeline: TimelineEntry[]): Postmortem['timeline'] {
  const rows = timeline
    .slice(0, TIMELINE_ROWS)
    .map((t) =>
      t.kind === 'event'
        ? { at: t.at, event: `${t.event_type}: ${t.message}`, source: t.source }
        : { at: t.at, event: t.message, source: t.actor ?? 'system' }
    );
  if (timeline.length > TIMELINE_ROWS) {
    rows.push({ at: '...', event: `... ${timeline.length - TIMELINE_ROWS} more entries`, source: '' });
  }
  return rows;
}

function rootCauseSection(inc: IncidentRecord): string {
  const rc = inc.root_cause;
  const parts: string[] = [];
  if (inc.description.trim()) {
    parts.push(`**What happened**: ${oneLine(inc.description)}`);
  }
  if (!rc || (!rc.primary_error_type && !rc.primary_source)) {
    parts.push('No root cause was identified from the correlated events.');
    return parts.join('\n\n');
  }
  parts.push(
    `**Primary error type**: ${rc.primary_error_type ?? 'unknown'}\n**Primary source**: ${rc.primary_source ?? 'unknown'}`
  );
  if (rc.evidence) {
    const e = rc.evidence;
    parts.push(`**Evidence**: event ${e.event_id} at ${e.timestamp} from ${e.source}: "${oneLine(e.message)}"`);
  }
  const dist = (title: string, m: Record<string, number>) => {
    const entries = sortedDistribution(m);
    const total = entries.reduce((s, [, n]) => s + n, 0);
    const lines = entries.map(([k, n]) => `- ${k}: ${n}${total ? ` (${percent(n / total)})` : ''}`);
    return `### ${title}\n${lines.join('\n') || '- none recorded'}`;
  };
  parts.push(dist('Error Distribution', rc.error_distribution));
  parts.push(dist('Source Distribution', rc.source_distribution));
  const factors = [
    ...sortedDistribution(rc.error_distribution)
      .filter(([k]) => k !== rc.primary_error_type)
      .map(([k, n]) => `${plural(n, `${k} event`)} also occurred`),
    ...sortedDistribution(rc.source_distribution)
      .filter(([k]) => k !== rc.primary_source)
      .map(([k, n]) => `${k} was also affected (${plural(n, 'event')})`),
  ];
  parts.push(
    `### Contributing Factors\n${factors.length ? factors.map((t, i) => `${i + 1}. ${t}`).join('\n') : 'None beyond the primary cause.'}`
  );
  return parts.join('\n\n');
}

interface Resolution {
  taken: string[];
  how: string[];
}

function resolution(inc: IncidentRecord, timeline: TimelineEntry[], actions: RemediationAction[]): Resolution {
  const runs = actions
    .flatMap((a) => a.runs.filter((r) => !r.dry_run).map((r) => ({ a, r })))
    .sort((x, y) => runTime(x.r).localeCompare(runTime(y.r)));
  const taken = runs.map(({ a, r }) => {
    const how = r.trigger === 'auto' ? 'run automatically' : `requested by ${r.requested_by ?? 'an unknown person'}`;
    return `${a.title} (${a.action_id}) at ${runTime(r)}, ${how}, ${approvalText(a, r)}: ${runResult(r)}`;
  });
  const how: string[] = [];
  const reason = resolutionReason(timeline);
  if (inc.resolved_at === null) {
    how.push(`Not resolved yet: the incident is ${inc.status}.`);
  } else if (inc.resolved_by === 'auto') {
    how.push(
      `Resolved automatically at ${iso(inc.resolved_at)} when the recovery criteria were met${reason ? ` (${reason})` : ''}.`
    );
  } else {
    how.push(`Resolved by ${inc.resolved_by ?? 'an unknown person'} at ${iso(inc.resolved_at)}.`);
    const notes = reason?.startsWith('resolved: ') ? reason.slice('resolved: '.length) : null;
    how.push(notes ? `Resolution notes: ${notes}` : 'No resolution notes were recorded.');
  }
  if (inc.closed_at !== null) {
    how.push(`Closed by ${inc.closed_by ?? 'an unknown person'} at ${iso(inc.closed_at)}.`);
  }
  return { taken, how };
}

function actionRows(actions: RemediationAction[]): Postmortem['actions'] {
  return actions.map((a) => {
    const last = a.runs[a.runs.length - 1];
    return {
      action_id: a.action_id,
      status: a.state,
      result: last ? runResult(last) : 'not run',
      at: last ? runTime(last) : null,
      owner: last ? (last.approved_by ?? last.requested_by) : null,
    };
  });
}

function communicationRows(deliveries: Delivery[]): Postmortem['communications'] {
  return deliveries
    .map((d) => ({
      at: d.sent_at ?? d.created_at,
      channel: d.channel_type,
      message: `${d.kind} (${d.status}${d.status === 'failed' && d.last_error ? `: ${oneLine(d.last_error)}` : ''})`,
      recipients: d.receiver,
    }))
    .sort((x, y) => x.at.localeCompare(y.at));
}

function followUpLine(f: FollowUp, i: number): string {
  return `${i + 1}. [${f.done ? 'x' : ' '}] ${oneLine(f.text)} (${f.owner ?? 'unassigned'}, ${f.priority})`;
}

function postmortemStatus(inc: IncidentRecord): Postmortem['status'] {
  if (inc.status === 'closed') {
    return 'final';
  }
  return isActiveStatus(inc.status) ? 'draft' : 'generated';
}

/** Fills the post-mortem template from the incident, its timeline, actions, notifications and people's edits. */
export function renderPostmortem(input: PostmortemInput): Postmortem {
  const { incident: inc, timeline, actions, deliveries, edits } = input;
  const f = facts(input);
  const status = postmortemStatus(inc);
  const summary = edits.summary?.trim() ? edits.summary : generatedSummary(f, timeline);
  const timelineJson = timelineRows(timeline);
  const rootCause = rootCauseSection(inc);
  const res = resolution(inc, timeline, actions);
  const actionsJson = actionRows(actions);
  const followUps = edits.follow_ups ?? defaultFollowUps(inc, actions);
  const communications = communicationRows(deliveries);
  const mttdText = humanDuration(f.mttd);
  const mttrText = f.mttr === null ? 'not resolved yet' : humanDuration(f.mttr);

  const header = [
    `# Incident Post-Mortem: ${inc.incident_id}`,
    ...(status === 'draft'
      ? ['', '> **Draft**: the incident is still active; this post-mortem changes as it does.']
      : []),
    '',
    `- **Date**: ${iso(inc.detected_at).slice(0, 10)}`,
    `- **Incident ID**: ${inc.incident_id}`,
    `- **Title**: ${oneLine(inc.title)}`,
    `- **Severity**: ${inc.severity.toUpperCase()}`,
    `- **Status**: ${inc.status} (post-mortem ${status})`,
    `- **Duration**: ${f.durationText}`,
    `- **MTTD**: ${mttdText}`,
    `- **MTTR**: ${mttrText}`,
  ].join('\n');

  const impact = [
    '## Impact',
    '',
    `- **Affected Components**: ${f.components || 'none recorded'}`,
    `- **Event Count**: ${plural(inc.event_count, 'event')}`,
    `- **Duration**: ${f.durationText} (MTTD: ${mttdText}, MTTR: ${mttrText})`,
    `- **Users Impacted**: ${edits.users_impacted ?? 'not recorded'}`,
  ].join('\n');

  const timelineSection = [
    '## Timeline',
    '',
    timelineJson.length
      ? table(
          ['Time', 'Event', 'Source'],
          timelineJson.map((r) => [r.at, r.event, r.source])
        )
      : 'No events or lifecycle entries recorded.',
  ].join('\n');

  const resolutionSection = [
    '## Resolution',
    '',
    'Actions taken:',
    res.taken.length ? res.taken.map((t, i) => `${i + 1}. ${t}`).join('\n') : 'No remediation action was run.',
    '',
    res.how.join('\n\n'),
  ].join('\n');

  const actionsSection = [
    '## Remediation Actions',
    '',
    actionsJson.length
      ? table(
          ['Action', 'Status', 'Result'],
          actionsJson.map((r) => [r.action_id, STATE_LABELS[r.status as ActionState] ?? r.status, r.result])
        )
      : 'No remediation action was recommended.',
  ].join('\n');

  const followUpSection = [
    '## Follow-Up Items',
    '',
    followUps.length ? followUps.map(followUpLine).join('\n') : 'None.',
  ].join('\n');

  const metrics = [
    '## Metrics',
    '',
    `- **MTTD**: ${round3(f.mttd)} seconds`,
    `- **MTTR**: ${f.mttr === null ? 'not resolved yet' : `${round3(f.mttr)} seconds (${Math.round((f.mttr / 60) * 10) / 10} minutes)`}`,
    `- **Total Events**: ${inc.event_count}`,
    `- **Peak Error Rate**: ${input.peakErrorRate === null ? 'n/a' : percent(input.peakErrorRate)}`,
  ].join('\n');

  const commsSection = [
    '## Communication Log',
    '',
    communications.length
      ? table(
          ['Time', 'Channel', 'Message', 'Recipients'],
          communications.map((c) => [c.at, c.channel, c.message, c.recipients])
        )
      : 'No notifications were sent.',
  ].join('\n');

  const noteLines = [...inc.notes, ...edits.notes].map(
    (n) => `- ${n.at} ${n.author ?? 'anonymous'}: ${oneLine(n.text)}`
  );
  const notes = ['## Notes', '', noteLines.join('\n') || 'No notes.'];
  if (edits.went_well.length) {
    notes.push('', '### What Went Well', edits.went_well.map((t, i) => `${i + 1}. ${oneLine(t)}`).join('\n'));
  }
  if (edits.to_improve.length) {
    notes.push('', '### What Could Be Improved', edits.to_improve.map((t, i) => `${i + 1}. ${oneLine(t)}`).join('\n'));
  }

  const generated = ['## Generated At', '', iso(input.generatedAt ?? input.now)];
  if (input.refreshedAt !== null) {
    generated.push('', `Last updated: ${iso(input.refreshedAt)}`);
  }

  const markdown =
    [
      header,
      `## Summary\n\n${summary}`,
      impact,
      timelineSection,
      `## Root Cause\n\n${rootCause}`,
      resolutionSection,
      actionsSection,
      followUpSection,
      metrics,
      commsSection,
      notes.join('\n'),
      generated.join('\n'),
    ].join('\n\n') + '\n';

  return {
    incident_id: inc.incident_id,
    status,
    generated_at: iso(input.generatedAt),
    refreshed_at: iso(input.refreshedAt),
    summary,
    impact: {
      affected_components: [...inc.affected_components],
      event_count: inc.event_count,
      duration_seconds: f.durationSeconds === null ? null : round3(f.durationSeconds),
      users_impacted: edits.users_impacted,
    },
    timeline: timelineJson,
    root_cause: rootCause,
    resolution: [...res.taken, ...res.how],
    actions: actionsJson,
    follow_ups: followUps,
    metrics: {
      mttd: round3(f.mttd),
      mttr: f.mttr === null ? null : round3(f.mttr),
      total_events: inc.event_count,
      peak_error_rate: input.peakErrorRate,
    },
    communications,
    markdown,
  };
}
