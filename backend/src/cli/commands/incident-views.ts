import Table from 'cli-table3';
import type { Stats, TimelineEntry } from '../../schema/incidents';
import type { RemediationAction } from '../../schema/remediation';
import { relativeTime, shortDuration, type Column, type Output } from '../output';

/** Width of the label of a timeline line: `[CRITICAL] `, so every message starts in one column. */
const LABEL_WIDTH = 11;

/**
 * The text timeline: `Timeline for incident inc_00123:`, then one line per entry,
 * `  10:25:15Z [HIGH]     database: Connection pool exhausted`. Events show their severity in upper
 * case; lifecycle entries (status changes, acknowledgements, actions, notes) show `[----]` and who
 * did it (or `mahavishnu` when the system did). When the entries span more than one UTC day each
 * time also shows its date.
 */
export function timelineText(out: Output, id: string, entries: TimelineEntry[]): string[] {
  const days = new Set(entries.map((e) => new Date(e.at).toISOString().slice(0, 10)));
  const lines = [`Timeline for incident ${id}:`];
  for (const e of entries) {
    const iso = new Date(e.at).toISOString();
    const time = days.size > 1 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : `${iso.slice(11, 19)}Z`;
    const raw = e.kind === 'event' && e.severity ? e.severity.toUpperCase() : '----';
    const label = `[${e.kind === 'event' && e.severity ? out.severity(e.severity) : raw}]`;
    const pad = ' '.repeat(Math.max(1, LABEL_WIDTH - raw.length - 2));
    const source = e.kind === 'lifecycle' ? (e.actor ?? e.source) : e.source;
    lines.push(`  ${time} ${label}${pad}${source}: ${e.message.replace(/\s*[\r\n]+\s*/g, ' ')}`);
  }
  if (entries.length === 0) {
    lines.push('  (no entries)');
  }
  return lines;
}

/** The columns of `timeline --format csv`. */
export const TIMELINE_COLUMNS: Array<Column<TimelineEntry>> = [
  { header: 'Time', value: (e) => e.at },
  { header: 'Kind', value: (e) => e.kind },
  { header: 'Event Type', value: (e) => e.event_type },
  { header: 'Source', value: (e) => e.source },
  { header: 'Severity', value: (e) => e.severity },
  { header: 'Actor', value: (e) => e.actor },
  { header: 'Message', value: (e) => e.message },
];

/** When an action last ran for real (dry runs do not count, as for its state). */
function lastRun(a: RemediationAction): string | null {
  const run = a.runs.filter((r) => !r.dry_run).at(-1);
  return run ? (run.finished_at ?? run.started_at ?? run.queued_at) : null;
}

/** The columns of `mitigate --list-actions`. */
export function actionColumns(now: number): Array<Column<RemediationAction>> {
  return [
    { header: 'Action', value: (a) => a.action_id },
    { header: 'Risk', value: (a) => a.risk, show: (a) => a.risk.toUpperCase() },
    { header: 'Approval', value: (a) => a.approval },
    { header: 'Executor', value: (a) => a.executor },
    { header: 'Automatic', value: (a) => a.automatic, show: (a) => (a.automatic ? 'yes' : 'no') },
    { header: 'State', value: (a) => a.state },
    { header: 'Last run', value: (a) => lastRun(a), show: (a) => relativeTime(lastRun(a), now) },
  ];
}

const UNITS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' };

/** `Incident Statistics (Last 24 hours):` for `--since 24h`, `(Since <time>)` for a time. */
export function statsHeading(since: string | undefined): string {
  if (since === undefined) {
    return 'Incident Statistics:';
  }
  const rel = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/.exec(since.trim());
  if (!rel) {
    return `Incident Statistics (Since ${since}):`;
  }
  const n = Number(rel[1]);
  return `Incident Statistics (Last ${n === 1 ? UNITS[rel[2]] : `${rel[1]} ${UNITS[rel[2]]}s`}):`;
}

type Section = Array<[string, string]>;

/** The sections of the stats table: totals, by severity, by type, averages. */
export function statsSections(out: Output, s: Stats, show: { severity: boolean; type: boolean }): Section[] {
  const sections: Section[] = [
    [
      ['Total Incidents', String(s.total_incidents)],
      ['Active Incidents', String(s.active_incidents)],
      ['Resolved Incidents', String(s.resolved_incidents)],
      ['Closed Incidents', String(s.closed_incidents)],
    ],
  ];
  if (show.severity) {
    sections.push([['By Severity:', ''], ...Object.entries(s.by_severity).map(([k, v]): [string, string] => [`  ${out.severity(k)}`, String(v)])]);
  }
  if (show.type) {
    const types = Object.entries(s.by_type).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    sections.push([['By Type:', ''], ...types.map(([k, v]): [string, string] => [`  ${k}`, String(v)])]);
  }
  sections.push([
    ['Avg MTTD', shortDuration(s.avg_mttd)],
    ['Avg MTTR', shortDuration(s.avg_mttr)],
  ]);
  return sections;
}

/** A two-column box table with a rule between sections and the numbers right-aligned, as `stats` shows it. */
export function sectionTable(sections: Section[]): string {
  const t = new Table({ style: { head: [], border: [] } });
  for (const rows of sections) {
    t.push([rows.map((r) => r[0]).join('\n'), { content: rows.map((r) => r[1]).join('\n'), hAlign: 'right' }]);
  }
  return t.toString();
}

/** `stats --format csv`: one metric a row. */
export function statsRows(s: Stats): Array<[string, string | number | null]> {
  return [
    ['total_incidents', s.total_incidents],
    ['active_incidents', s.active_incidents],
    ['resolved_incidents', s.resolved_incidents],
    ['closed_incidents', s.closed_incidents],
    ...Object.entries(s.by_severity).map(([k, v]): [string, number] => [`severity.${k}`, v]),
    ...Object.entries(s.by_type).map(([k, v]): [string, number] => [`type.${k}`, v]),
    ['avg_mttd', s.avg_mttd],
    ['avg_mttr', s.avg_mttr],
  ];
}
