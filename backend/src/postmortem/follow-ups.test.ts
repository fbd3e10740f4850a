import { INCIDENT_TYPES } from '../schema/enums';
import { FollowUpSchema } from '../schema/postmortem';
import { defaultFollowUps } from './index';
import { action, actions, incident, run } from './test-fixtures';

describe('defaultFollowUps', () => {
  it('starts with the prevention item, then the actions, then the runbook and the review meeting', () => {
    const items = defaultFollowUps(incident(), actions());
    expect(items.map((i) => [i.text, i.priority])).toEqual([
      ['Add connection pool monitoring', 'medium'],
      ['Fix the scale_up action: quota exceeded in eu-west-1', 'high'],
      ['Find out why failover_db did not help', 'medium'],
      ['Do or drop: Open a ticket with the database vendor', 'medium'],
      ['Update the runbook with lessons learned', 'medium'],
      ['Schedule the post-incident review meeting', 'low'],
    ]);
    expect(items.every((i) => i.owner === 'jane.roe' && i.done === false)).toBe(true);
  });

  it('makes the prevention item high priority for a critical incident', () => {
    const [first] = defaultFollowUps(incident({ severity: 'critical', assigned_to: null }), []);
    expect(first).toEqual({ text: 'Add connection pool monitoring', owner: null, priority: 'high', done: false });
  });

  it('names the primary source or the components of the incident', () => {
    expect(defaultFollowUps(incident({ incident_type: 'error_burst' }), [])[0].text).toBe(
      'Add alerting on the error rate of database'
    );
    expect(defaultFollowUps(incident({ incident_type: 'memory_exhaustion' }), [])[0].text).toBe(
      'Profile memory use of api, database'
    );
    expect(defaultFollowUps(incident({ incident_type: 'disk_space_low' }), [])[0].text).toContain(
      'Set up log rotation and a disk usage forecast'
    );
    expect(defaultFollowUps(incident({ incident_type: 'security_breach' }), [])[0].text).toBe(
      'Complete the security review and rotate credentials'
    );
    expect(defaultFollowUps(incident({ incident_type: 'custom', title: 'Odd spike' }), [])[0].text).toBe(
      'Find the cause of "Odd spike" and add monitoring to detect it earlier'
    );
    const bare = incident({ incident_type: 'error_burst', affected_components: [], root_cause: null });
    expect(defaultFollowUps(bare, [])[0].text).toBe('Add alerting on the error rate of the affected components');
  });

  it('has a valid, distinct prevention item for every incident type', () => {
    const texts = INCIDENT_TYPES.map((t) => defaultFollowUps(incident({ incident_type: t }), [])[0].text);
    expect(new Set(texts).size).toBe(INCIDENT_TYPES.length);
    for (const t of INCIDENT_TYPES) {
      for (const item of defaultFollowUps(incident({ incident_type: t }), actions())) {
        expect(FollowUpSchema.parse(item)).toEqual(item);
      }
    }
  });

  it('skips actions that succeeded, wait for approval, or are automatic and not run', () => {
    const quiet = [
      action('a', { state: 'succeeded', runs: [run('a', {})] }),
      action('b', { state: 'awaiting_approval' }),
      action('c', { state: 'todo', executor: 'http' }),
      action('d', { state: 'recommended', executor: 'manual' }),
    ];
    expect(defaultFollowUps(incident(), quiet)).toHaveLength(3);
  });

  it('says when a failed action left no detail, and keeps long details within the schema', () => {
    const failed = action('page_vendor', { state: 'failed', runs: [run('page_vendor', { status: 'failed' })] });
    expect(defaultFollowUps(incident(), [failed])[1].text).toBe('Fix the page_vendor action: its last run failed');
    const long = action('x', { state: 'failed', runs: [run('x', { status: 'failed', detail: 'e'.repeat(2000) })] });
    expect(defaultFollowUps(incident(), [long])[1].text.length).toBe(1024);
  });
});
