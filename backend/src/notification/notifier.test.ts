import { blankIncident } from '../engine/incident-records';
import { Changes } from '../engine/changes';
import type { Store } from '../store/store';
import type { Channel, ChannelType, NotificationKind } from './channel';
import { IncidentNotifier } from './notifier';

function channel(name: string, type: ChannelType, kinds?: NotificationKind[]): Channel {
  return { name, type, accepts: (k) => !kinds || kinds.includes(k), send: async () => ({ outcome: 'sent' }) };
}

const channels = new Map<string, Channel>([
  ['log', channel('log', 'log')],
  ['slack', channel('slack', 'slack', ['incident_created', 'severity_changed', 'approval_needed', 'action_failed', 'resolved'])],
  ['pager', channel('pager', 'pagerduty', ['incident_created', 'severity_changed', 'acknowledged', 'resolved'])],
]);

/** A store whose outbox remembers which receivers heard of which incident. */
function store(before: Record<string, string[]> = {}): Store {
  return { outbox: { receiversOf: async (id: string) => before[id] ?? [] } } as unknown as Store;
}

function incident(severity: 'low' | 'medium' | 'high' | 'critical', id = 'inc_00001') {
  return blankIncident({ incident_id: id, incident_type: 'error_burst', severity, title: 't', description: '', detected_at: 0, started_at: 0, affected_components: ['api'], updated_at: 0 });
}

async function route(changes: Changes, notifier = new IncidentNotifier(channels, [], 'https://grafana.example.com'), before: Record<string, string[]> = {}) {
  await notifier.route(changes, store(before), 1000);
  return changes.outbox.map((r) => `${r.kind}>${r.receiver}`);
}

describe('IncidentNotifier', () => {
  it('routes by the severity guide: low to the log, high to Slack, critical also pages', async () => {
    for (const [sev, expected] of [
      ['low', ['incident_created>log']],
      ['high', ['incident_created>log', 'incident_created>slack']],
      ['critical', ['incident_created>log', 'incident_created>slack', 'incident_created>pager']],
    ] as const) {
      const c = new Changes();
      c.notify(incident(sev), 'incident_created');
      expect((await route(c)).sort()).toEqual([...expected].sort());
    }
  });

  it('announces an incident before its resolution when both happen in one step, and drops its own severity change', async () => {
    const c = new Changes();
    const inc = incident('critical');
    c.notify(inc, 'severity_changed', { from: 'high', to: 'critical' });
    c.notify(inc, 'resolved');
    c.notify(inc, 'incident_created');
    const rows = await route(c);
    expect(rows.filter((r) => r.endsWith('>pager'))).toEqual(['incident_created>pager', 'resolved>pager']);
    expect(rows.some((r) => r.startsWith('severity_changed'))).toBe(false);
  });

  it('tells everyone who heard of an incident about its resolution and acknowledgement, even after it was downgraded', async () => {
    const c = new Changes();
    const inc = incident('low');
    c.notify(inc, 'acknowledged');
    c.notify(inc, 'resolved');
    const rows = await route(c, undefined, { inc_00001: ['pager', 'slack', 'log'] });
    expect(rows.sort()).toEqual(['acknowledged>log', 'acknowledged>pager', 'resolved>log', 'resolved>pager', 'resolved>slack'].sort());
  });

  it('lets the first matching route win unless it continues', async () => {
    const notifier = new IncidentNotifier(
      channels,
      [
        { match: { incident_type: ['error_burst'] }, receivers: ['pager'], continue: true },
        { match: { severity: ['low'] }, receivers: ['slack'], continue: false },
        { match: {}, receivers: ['log'], continue: false },
      ],
      null
    );
    const c = new Changes();
    c.notify(incident('low'), 'incident_created');
    expect(await route(c, notifier)).toEqual(['incident_created>pager', 'incident_created>slack']);
    const row = c.outbox[0];
    expect(row.message).toMatchObject({ dedup_key: 'inc_00001', url: null, delivery_id: row.delivery_id, headline: 'New LOW incident inc_00001: t' });
  });
});
