import { PostmortemSchema } from '../schema/postmortem';
import type { TimelineEntry } from '../schema/incidents';
import { renderPostmortem, type PostmortemInput } from './index';
import { MIN, T0, actions, at, deliveries, edits, incident, timeline } from './test-fixtures';

function input(over: Partial<PostmortemInput> = {}): PostmortemInput {
  return {
    incident: incident(),
    timeline: timeline(),
    actions: actions(),
    deliveries: deliveries(),
    edits: edits(),
    peakErrorRate: 0.45,
    generatedAt: T0 + 50 * MIN,
    refreshedAt: null,
    now: T0 + 60 * MIN,
    ...over,
  };
}

/** The body of one `## ` section of the markdown. */
function section(md: string, title: string): string {
  const start = md.indexOf(`\n## ${title}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = md.slice(start + title.length + 5);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

const SECTIONS = [
  'Summary',
  'Impact',
  'Timeline',
  'Root Cause',
  'Resolution',
  'Remediation Actions',
  'Follow-Up Items',
  'Metrics',
  'Communication Log',
  'Notes',
  'Generated At',
];

describe('renderPostmortem', () => {
  it('has the header block and every section of the template, in order', () => {
    const pm = renderPostmortem(input());
    const md = pm.markdown;
    expect(md.startsWith('# Incident Post-Mortem: inc_00042\n')).toBe(true);
    const headers = md
      .split('\n')
      .filter((l) => l.startsWith('## '))
      .map((l) => l.slice(3));
    expect(headers).toEqual(SECTIONS);
    const header = md.slice(0, md.indexOf('\n## '));
    expect(header).toContain('**Date**: 2026-11-26');
    expect(header).toContain('**Incident ID**: inc_00042');
    expect(header).toContain('**Title**: Database connections failing');
    expect(header).toContain('**Severity**: HIGH');
    expect(header).toContain('**Status**: resolved (post-mortem generated)');
    expect(header).toContain('**Duration**: 47m');
    expect(header).toContain('**MTTD**: 2m');
    expect(header).toContain('**MTTR**: 45m');
  });

  it('validates against PostmortemSchema', () => {
    const pm = renderPostmortem(input());
    expect(PostmortemSchema.parse(pm)).toEqual(pm);
    const active = renderPostmortem(
      input({
        incident: incident({ status: 'investigating', resolved_at: null, resolved_by: null }),
        peakErrorRate: null,
        generatedAt: null,
      })
    );
    expect(PostmortemSchema.parse(active)).toEqual(active);
  });

  it('is a draft while active, generated once resolved, final once closed', () => {
    const active = renderPostmortem(
      input({ incident: incident({ status: 'remediating', resolved_at: null, resolved_by: null }) })
    );
    expect(active.status).toBe('draft');
    expect(active.markdown).toContain('**Draft**');
    expect(active.markdown).toContain('**Duration**: ongoing (1h so far)');
    expect(active.impact.duration_seconds).toBeNull();
    expect(active.metrics.mttr).toBeNull();
    expect(section(active.markdown, 'Resolution')).toContain('Not resolved yet: the incident is remediating.');
    expect(active.summary).toContain('It is still active (status: remediating) after 1h.');

    expect(renderPostmortem(input()).status).toBe('generated');

    const closed = renderPostmortem(
      input({ incident: incident({ status: 'closed', closed_at: T0 + 55 * MIN, closed_by: 'lead.person' }) })
    );
    expect(closed.status).toBe('final');
    expect(closed.markdown).not.toContain('**Draft**');
    expect(section(closed.markdown, 'Resolution')).toContain(`Closed by lead.person at ${at(T0 + 55 * MIN)}.`);
  });

  it('generates a summary unless one was written', () => {
    const pm = renderPostmortem(input());
    expect(pm.summary).toBe(
      'Database Connection Fail incident inc_00042 (high) affected api, database with 23 events.' +
        ` The root cause was most likely db_connection_error from database, first seen at ${at(T0)}.` +
        ` It was resolved by jane.roe at ${at(T0 + 47 * MIN)}, 45m after detection: Scaled the pool and restarted the API.`
    );
    expect(section(pm.markdown, 'Summary').trim()).toBe(pm.summary);

    const auto = renderPostmortem(input({ incident: incident({ resolved_by: 'auto' }) }));
    expect(auto.summary).toContain(
      `It was resolved automatically at ${at(T0 + 47 * MIN)}, 45m after detection, when the recovery criteria were met.`
    );

    const written = renderPostmortem(input({ edits: edits({ summary: 'The pool was too small.' }) }));
    expect(written.summary).toBe('The pool was too small.');
    expect(section(written.markdown, 'Summary').trim()).toBe('The pool was too small.');
  });

  it('shows the impact, with users impacted when recorded', () => {
    const pm = renderPostmortem(input());
    const impact = section(pm.markdown, 'Impact');
    expect(impact).toContain('- **Affected Components**: api, database');
    expect(impact).toContain('- **Event Count**: 23 events');
    expect(impact).toContain('- **Duration**: 47m (MTTD: 2m, MTTR: 45m)');
    expect(impact).toContain('- **Users Impacted**: not recorded');
    expect(pm.impact).toEqual({
      affected_components: ['api', 'database'],
      event_count: 23,
      duration_seconds: 2820,
      users_impacted: null,
    });

    const edited = renderPostmortem(input({ edits: edits({ users_impacted: '~1000' }) }));
    expect(section(edited.markdown, 'Impact')).toContain('- **Users Impacted**: ~1000');
    expect(edited.impact.users_impacted).toBe('~1000');
  });

  it('tabulates the timeline, escaping pipes and line breaks', () => {
    const pm = renderPostmortem(input());
    const tl = section(pm.markdown, 'Timeline');
    expect(tl).toContain('| Time | Event | Source |');
    expect(tl).toContain(`| ${at(T0)} | db_connection_error: Connection pool exhausted | database |`);
    expect(tl).toContain(`| ${at(T0 + MIN)} | api_timeout: pool size 10 \\| max 10 retrying | api_gateway |`);
    expect(tl).toContain(`| ${at(T0 + 2 * MIN)} | Incident detected by rule db_conn | system |`);
    expect(tl).toContain(`| ${at(T0 + 3 * MIN)} | Acknowledged by jane.roe | jane.roe |`);
    // Every row of the table has exactly four unescaped pipes.
    for (const row of tl.split('\n').filter((l) => l.startsWith('|'))) {
      expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(5);
    }
    expect(pm.timeline[1]).toEqual({
      at: at(T0 + MIN),
      event: 'api_timeout: pool size 10 | max 10\nretrying',
      source: 'api_gateway',
    });
  });

  it('caps the timeline at 200 rows with a "... N more" row', () => {
    const many: TimelineEntry[] = Array.from({ length: 250 }, (_, i) => ({
      at: at(T0 + i * 1000),
      kind: 'event',
      event_type: 'db_connection_error',
      source: 'database',
      message: `failure ${i}`,
      actor: null,
      severity: 'high',
      event_id: `evt_${i}`,
      data: null,
    }));
    const pm = renderPostmortem(input({ timeline: many }));
    expect(pm.timeline).toHaveLength(201);
    expect(pm.timeline[200].event).toBe('... 50 more entries');
    const rows = section(pm.markdown, 'Timeline')
      .split('\n')
      .filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(2 + 201);
    expect(rows[rows.length - 1]).toBe('| ... | ... 50 more entries |  |');
  });

  it('explains the root cause with its distributions and contributing factors', () => {
    const rc = section(renderPostmortem(input()).markdown, 'Root Cause');
    expect(rc).toContain('**What happened**: The API could not get database connections.');
    expect(rc).toContain('**Primary error type**: db_connection_error');
    expect(rc).toContain('**Primary source**: database');
    expect(rc).toContain(`**Evidence**: event evt_1 at ${at(T0)} from database: "Connection pool exhausted"`);
    expect(rc).toContain('### Error Distribution\n- db_connection_error: 15 (65.2%)\n- api_timeout: 8 (34.8%)');
    expect(rc).toContain('### Source Distribution\n- database: 15 (65.2%)\n- api_gateway: 8 (34.8%)');
    expect(rc).toContain(
      '### Contributing Factors\n1. 8 api_timeout events also occurred\n2. api_gateway was also affected (8 events)'
    );

    const none = renderPostmortem(input({ incident: incident({ root_cause: null, description: '' }) }));
    expect(none.root_cause).toBe('No root cause was identified from the correlated events.');
  });

  it('lists the runs that were not dry runs, with approvers, and how the incident was resolved', () => {
    const pm = renderPostmortem(input());
    const res = section(pm.markdown, 'Resolution');
    expect(res).toContain('Actions taken:');
    expect(res).toContain(
      `1. Clear the application cache (clear_cache) at ${at(T0 + 4 * MIN + 2000)}, run automatically, no approval needed: Success: Cache cleared (helped)`
    );
    expect(res).toContain(
      `2. Restart the API service (restart_service) at ${at(T0 + 10 * MIN)}, requested by jane.roe, approved by john.doe: Success: Service restarted`
    );
    expect(res).toContain('3. Scale the connection pool (scale_up)');
    expect(res).toContain('Failed: quota exceeded in eu-west-1');
    expect(res).toContain('4. Fail over to the replica (failover_db)');
    expect(res).toContain('Success: Failed over to replica (did not help)');
    expect(res).not.toContain('would restart api');
    expect(res).not.toMatch(/^5\./m);
    expect(res).toContain(`Resolved by jane.roe at ${at(T0 + 47 * MIN)}.`);
    expect(res).toContain('Resolution notes: Scaled the pool and restarted the API');
    expect(pm.resolution).toHaveLength(6);

    const auto = renderPostmortem(
      input({
        incident: incident({ resolved_by: 'auto' }),
        actions: [],
        timeline: [
          {
            at: at(T0 + 47 * MIN),
            kind: 'lifecycle',
            event_type: 'status_changed',
            source: 'mahavishnu',
            message: 'Status recovering -> resolved: recovery criteria met: no matching event for a further 300s',
            actor: null,
            severity: null,
            event_id: null,
            data: { from: 'recovering', to: 'resolved' },
          },
        ],
      })
    );
    const autoRes = section(auto.markdown, 'Resolution');
    expect(autoRes).toContain('No remediation action was run.');
    expect(autoRes).toContain(
      `Resolved automatically at ${at(T0 + 47 * MIN)} when the recovery criteria were met (recovery criteria met: no matching event for a further 300s).`
    );
  });

  it('tabulates every recommended action with its state and last result', () => {
    const pm = renderPostmortem(input());
    const table = section(pm.markdown, 'Remediation Actions');
    expect(table).toContain('| Action | Status | Result |');
    expect(table).toContain('| clear_cache | Success | Success: Cache cleared (helped) |');
    expect(table).toContain('| restart_service | Success | Success: Service restarted |');
    expect(table).toContain('| scale_up | Failed | Failed: quota exceeded in eu-west-1 |');
    expect(table).toContain('| failover_db | Did not help | Success: Failed over to replica (did not help) |');
    expect(table).toContain('| vendor_ticket | To do | not run |');
    expect(pm.actions[1]).toEqual({
      action_id: 'restart_service',
      status: 'succeeded',
      result: 'Success: Service restarted',
      at: at(T0 + 10 * MIN),
      owner: 'john.doe',
    });
    expect(pm.actions[4]).toEqual({
      action_id: 'vendor_ticket',
      status: 'todo',
      result: 'not run',
      at: null,
      owner: null,
    });
  });

  it('generates follow-ups, and edited ones replace them with done items checked', () => {
    const pm = renderPostmortem(input());
    const fu = section(pm.markdown, 'Follow-Up Items');
    expect(fu).toContain('1. [ ] Add connection pool monitoring (jane.roe, medium)');
    expect(fu).toContain('2. [ ] Fix the scale_up action: quota exceeded in eu-west-1 (jane.roe, high)');
    expect(fu).toContain('3. [ ] Find out why failover_db did not help (jane.roe, medium)');
    expect(fu).toContain('4. [ ] Do or drop: Open a ticket with the database vendor (jane.roe, medium)');
    expect(fu).toContain('5. [ ] Update the runbook with lessons learned (jane.roe, medium)');
    expect(fu).toContain('6. [ ] Schedule the post-incident review meeting (jane.roe, low)');

    const edited = renderPostmortem(
      input({
        edits: edits({
          follow_ups: [
            { text: 'Double the pool size', owner: 'john.doe', priority: 'high', done: true },
            { text: 'Alert at 80% pool use', owner: null, priority: 'medium', done: false },
          ],
        }),
      })
    );
    const efu = section(edited.markdown, 'Follow-Up Items');
    expect(efu.trim()).toBe(
      '1. [x] Double the pool size (john.doe, high)\n2. [ ] Alert at 80% pool use (unassigned, medium)'
    );
    expect(edited.follow_ups).toHaveLength(2);

    const emptied = renderPostmortem(input({ edits: edits({ follow_ups: [] }) }));
    expect(emptied.follow_ups).toEqual([]);
    expect(section(emptied.markdown, 'Follow-Up Items').trim()).toBe('None.');
  });

  it('shows the metrics in seconds and the peak error rate as a percentage', () => {
    const pm = renderPostmortem(input());
    const m = section(pm.markdown, 'Metrics');
    expect(m).toContain('- **MTTD**: 120 seconds');
    expect(m).toContain('- **MTTR**: 2700 seconds (45 minutes)');
    expect(m).toContain('- **Total Events**: 23');
    expect(m).toContain('- **Peak Error Rate**: 45%');
    expect(pm.metrics).toEqual({ mttd: 120, mttr: 2700, total_events: 23, peak_error_rate: 0.45 });

    const odd = renderPostmortem(input({ incident: incident({ detected_at: T0 + 1234.5678 }), peakErrorRate: null }));
    expect(odd.metrics.mttd).toBe(1.235);
    expect(section(odd.markdown, 'Metrics')).toContain('- **Peak Error Rate**: n/a');
  });

  it('logs the notifications, sent or not', () => {
    const pm = renderPostmortem(input());
    const log = section(pm.markdown, 'Communication Log');
    expect(log).toContain('| Time | Channel | Message | Recipients |');
    const rows = log.split('\n').filter((l) => l.startsWith('| 20'));
    expect(rows).toEqual([
      `| ${at(T0 + 2 * MIN + 500)} | slack | incident_created (sent) | ops-slack |`,
      `| ${at(T0 + 47 * MIN)} | email | resolved (failed: mailbox full) | oncall-email |`,
    ]);
    expect(pm.communications[0]).toEqual({
      at: at(T0 + 2 * MIN + 500),
      channel: 'slack',
      message: 'incident_created (sent)',
      recipients: 'ops-slack',
    });
    expect(section(renderPostmortem(input({ deliveries: [] })).markdown, 'Communication Log').trim()).toBe(
      'No notifications were sent.'
    );
  });

  it('collects the incident notes, edited notes and lessons', () => {
    const pm = renderPostmortem(
      input({
        edits: edits({
          notes: [{ at: at(T0 + 50 * MIN), author: 'john.doe', text: 'Vendor confirmed\nthe bug' }],
          went_well: ['Fast detection'],
          to_improve: ['Pool alerts'],
        }),
      })
    );
    const notes = section(pm.markdown, 'Notes');
    expect(notes).toContain(`- ${at(T0 + 10 * MIN)} jane.roe: Pool at 10/10 since 09:58`);
    expect(notes).toContain(`- ${at(T0 + 50 * MIN)} john.doe: Vendor confirmed the bug`);
    expect(notes).toContain('### What Went Well\n1. Fast detection');
    expect(notes).toContain('### What Could Be Improved\n1. Pool alerts');
  });

  it('stamps when it was generated and last updated', () => {
    const pm = renderPostmortem(input({ refreshedAt: T0 + 70 * MIN }));
    const gen = section(pm.markdown, 'Generated At');
    expect(gen).toContain(at(T0 + 50 * MIN));
    expect(gen).toContain(`Last updated: ${at(T0 + 70 * MIN)}`);
    expect(pm.generated_at).toBe(at(T0 + 50 * MIN));
    expect(pm.refreshed_at).toBe(at(T0 + 70 * MIN));

    const fresh = renderPostmortem(input({ generatedAt: null }));
    expect(section(fresh.markdown, 'Generated At').trim()).toBe(at(T0 + 60 * MIN));
    expect(fresh.generated_at).toBeNull();
    expect(fresh.refreshed_at).toBeNull();
  });
});
