import { RemediationConfigSchema } from './config';
import { AutoResponder } from './auto-responder';
import type { HttpClient } from '../util/http-client';

const http: HttpClient = { send: () => Promise.reject(new Error('no network in this test')) };
const hook = (path: string) => ({ executor: { kind: 'http' as const, url: `http://127.0.0.1:9/${path}` } });

function responder(cfg: unknown = {}): AutoResponder {
  return new AutoResponder(RemediationConfigSchema.parse(cfg), { http });
}

const table = (r: AutoResponder, type: Parameters<AutoResponder['recommend']>[0]) =>
  r.recommend(type).map((x) => `${x.action.id}:${x.action.risk}:${x.approval}:${x.executorKind}${x.automatic ? ':auto' : ''}`);

describe('AutoResponder', () => {
  const bound = responder({
    actions: {
      scale_up: hook('scale'),
      clear_cache: hook('cache'),
      kill_zombie_processes: hook('zombies'),
      restart_service: hook('restart'),
      clear_logs: hook('logs'),
      implement_backoff_retry: { executor: { kind: 'manual', instructions: 'see runbook' } },
    },
  });

  it("follows the documented scenarios: safe actions run on their own, risky ones need a responder or a lead", () => {
    expect(table(bound, 'service_down')).toEqual(['scale_up:low:none:http:auto', 'restart_service:medium:responder:http']);
    expect(table(bound, 'memory_exhaustion')).toEqual(['scale_up:low:none:http:auto', 'kill_zombie_processes:low:none:http:auto', 'restart_service:medium:responder:http']);
    expect(table(bound, 'error_burst')).toEqual([
      'clear_cache:low:none:http:auto',
      'restart_service:medium:responder:http',
      'rollback_deployment:medium:responder:manual',
      'code_patch:high:lead:manual',
    ]);
    expect(table(bound, 'cache_failure')).toEqual(['clear_cache:low:none:http:auto']);
    expect(table(bound, 'disk_space_low')[0]).toBe('clear_logs:low:none:http:auto');
    expect(table(bound, 'database_connection_fail')).toEqual(['scale_up:low:none:http:auto', 'check_database_status:low:none:manual', 'restart_database:high:lead:manual']);
  });

  it('never acts on its own for rate limiting, network partitions and security breaches', () => {
    for (const type of ['api_rate_limit', 'network_partition', 'security_breach'] as const) {
      expect(bound.recommend(type).some((r) => r.automatic)).toBe(false);
    }
    expect(table(bound, 'api_rate_limit')).toEqual(['implement_backoff_retry:low:none:manual', 'increase_rate_limit_quota:low:none:manual', 'cache_api_responses:low:none:manual']);
    // Even an action bound and safe elsewhere is only recommended there.
    const r = responder({ actions: { clear_cache: hook('cache') }, recommendations: { security_breach: ['clear_cache'] } });
    expect(table(r, 'security_breach')).toEqual(['clear_cache:low:none:http']);
  });

  it('runs nothing on its own when auto-remediation is off, and unbound actions are tasks for a person', () => {
    expect(table(responder({ auto_remediation: false, actions: { clear_cache: hook('cache') } }), 'cache_failure')).toEqual(['clear_cache:low:none:http']);
    expect(table(responder(), 'cache_failure')).toEqual(['clear_cache:low:none:manual']);
    expect(responder().find('no_such_action')).toBeUndefined();
  });

  it('shows each action with its state for an incident', () => {
    const inc = { incident_id: 'inc_1', incident_type: 'error_burst', status: 'remediating' } as Parameters<AutoResponder['view']>[0];
    const run = bound.newRun({ incident_id: 'inc_1', action_id: 'clear_cache', trigger: 'auto', dry_run: false, requested_by: null, approved_by: null, params: {}, now: 0 });
    const states = bound.view(inc, [{ ...run, status: 'succeeded', verification: 'did_not_help' }]).map((a) => [a.action_id, a.state]);
    expect(states).toEqual([
      ['clear_cache', 'did_not_help'],
      ['restart_service', 'awaiting_approval'],
      ['rollback_deployment', 'todo'],
      ['code_patch', 'todo'],
    ]);
  });
});
