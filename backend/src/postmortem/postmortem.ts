import { mttd, mttr } from '../correlation/correlator';
import type { IncidentRecord } from '../domain/records';
import { INCIDENT_TYPE_NAMES } from '../schema/enums';
import type { TimelineEntry } from '../schema/incidents';
import { iso } from '../util/time';

/** A post-mortem: the spec's template filled from the incident and its timeline. */
export interface Postmortem {
  incident_id: string;
  markdown: string;
  summary: string;
  duration_seconds: number | null;
  mttd: number;
  mttr: number | null;
}

function duration(seconds: number | null): string {
  if (seconds === null) {
    return 'ongoing';
  }
  if (seconds < 60) {
    return `${seconds.toFixed(1)}s`;
  }
  if (seconds < 3600) {
    return `${(seconds / 60).toFixed(1)}m`;
  }
  return `${(seconds / 3600).toFixed(1)}h`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Fills the spec's post-mortem template with what the incident record and timeline know. */
export function renderPostmortem(inc: IncidentRecord, timeline: TimelineEntry[]): Postmortem {
  const d = mttd(inc);
  const r = mttr(inc);
  const end = inc.resolved_at ?? null;
  const durationSeconds = end === null ? null : (end - inc.started_at) / 1000;
  const rc = inc.root_cause;
  const typeName = INCIDENT_TYPE_NAMES[inc.incident_type];
  const summary =
    `${typeName} incident ${inc.incident_id} (${inc.severity}) affected ${inc.affected_components.join(', ') || 'no recorded component'}` +
    ` with ${inc.event_count} events` +
    (rc?.primary_error_type ? `, mostly ${rc.primary_error_type} from ${rc.primary_source}` : '') +
    (inc.resolved_at ? `; it was resolved ${inc.resolved_by === 'auto' ? 'automatically' : `by ${inc.resolved_by}`} after ${duration(r)}.` : '; it is not resolved yet.');
  const lifecycle = timeline.filter((t) => t.kind === 'lifecycle');
  const rows = timeline.slice(0, 200).map((t) => `| ${t.at} | ${cell(t.kind === 'event' ? `${t.event_type} from ${t.source}: ${t.message}` : t.message)} | ${t.kind === 'event' ? cell(t.severity ?? '') : cell(t.actor ?? 'system')} |`);
  const dist = (m: Record<string, number> | undefined) =>
    Object.entries(m ?? {})
      .map(([k, v]) => `- ${k}: ${v}`)
      .join('\n') || '- none recorded';
  const md = `# Incident Post-Mortem: ${inc.incident_id}

**Date**: ${iso(inc.detected_at).slice(0, 10)}
**Incident ID**: ${inc.incident_id}
**Title**: ${inc.title}
**Severity**: ${inc.severity.toUpperCase()}
**Status**: ${inc.status}
**Duration**: ${duration(durationSeconds)}
**MTTD**: ${duration(d)}
**MTTR**: ${duration(r)}

---

## Executive Summary

${summary}

---

## Impact Analysis

### Affected Systems
- **Systems**: ${inc.affected_components.join(', ') || 'none recorded'}
- **Events**: ${inc.event_count}
- **Started**: ${iso(inc.started_at)}
- **Detected**: ${iso(inc.detected_at)}
- **Resolved**: ${iso(inc.resolved_at) ?? 'not yet'}

### Timeline
| Time (UTC) | Event | Impact |
|------------|-------|--------|
${rows.join('\n')}${timeline.length > 200 ? `\n| ... | ${timeline.length - 200} more entries | |` : ''}

---

## Root Cause Analysis

### What Happened
${inc.description || typeName}

### Why It Happened
${rc?.primary_error_type ? `The most frequent event was **${rc.primary_error_type}**, and the most affected source **${rc.primary_source}**.` : 'No root cause was computed.'}${rc?.evidence ? `\nFirst evidence: \`${rc.evidence.event_id}\` at ${rc.evidence.timestamp} from ${rc.evidence.source}: "${rc.evidence.message}".` : ''}

### Error Distribution
${dist(rc?.error_distribution)}

### Source Distribution
${dist(rc?.source_distribution)}

---

## Resolution and Recovery

### Timeline of Resolution
| Time | Action | Owner |
|------|--------|-------|
${lifecycle.map((t) => `| ${t.at} | ${cell(t.message)} | ${cell(t.actor ?? 'system')} |`).join('\n')}

### Notes
${inc.notes.map((n) => `- ${n.at} ${n.author ?? 'anonymous'}: ${n.text}`).join('\n') || '- none'}

---

## Metrics and Data

- **Detection Time**: ${duration(d)}
- **Resolution Time**: ${duration(r)}
- **Total Events**: ${inc.event_count}
`;
  return { incident_id: inc.incident_id, markdown: md, summary, duration_seconds: durationSeconds, mttd: d, mttr: r };
}
