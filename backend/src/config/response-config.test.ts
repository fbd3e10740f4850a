import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from './load';

/** The first line of the error a configuration gives, without the header. */
function problem(raw: unknown): string {
  try {
    parseConfig(raw, 'config.yaml');
  } catch (err) {
    return (err as Error).message.split('\n').slice(1).join('\n').trim();
  }
  return 'valid';
}

describe('remediation and notification configuration', () => {
  it('takes a full example', () => {
    const cfg = parseConfig({
      remediation: {
        actions: {
          clear_cache: { executor: { kind: 'http', url: 'http://cache.internal/clear' } },
          restart_service: { executor: { kind: 'command', argv: ['/usr/bin/systemctl', 'restart', '{{params.service}}'] }, max_runs_per_hour: 2 },
        },
        recommendations: { custom: ['restart_service'] },
      },
      notification: {
        channels: { 'team-slack': { type: 'slack', webhook_url: 'https://hooks.slack.com/services/T/B/X' } },
        routes: [{ match: { severity: ['critical'] }, receivers: ['team-slack', 'log'] }],
      },
    });
    expect(cfg.remediation).toMatchObject({ auto_remediation: true, verify_seconds: 300, verify_ratio: 0.5 });
    expect(cfg.remediation.actions.clear_cache.max_runs_per_hour).toBe(6);
    expect(cfg.notification.retry).toEqual({ initial_seconds: 1, max_seconds: 300, max_attempts: 25 });
  });

  it('names each mistake by its key', () => {
    expect(problem({ remediation: { actions: { reboot_world: { executor: { kind: 'manual' } } } } })).toMatch(/^remediation\.actions\.reboot_world: unknown action "reboot_world"; known actions: scale_up, clear_cache/);
    expect(problem({ remediation: { actions: { code_patch: { executor: { kind: 'command', argv: ['/bin/true'] } } } } })).toBe(
      'remediation.actions.code_patch.executor.kind: "code_patch" is a task for a person; only the manual executor can be bound to it'
    );
    expect(problem({ remediation: { recommendations: { error_burst: ['clear_cache', 'nope'] } } })).toMatch(/^remediation\.recommendations\.error_burst\.1: unknown action "nope"/);
    expect(problem({ notification: { routes: [{ receivers: ['pager'] }] } })).toBe('notification.routes.0.receivers.0: undefined receiver "pager"; define it under notification.channels');
    expect(problem({ notification: { channels: { x: { type: 'carrier-pigeon' } } } })).toMatch(/^notification\.channels\.x\.type/);
  });
});

describe('the response docs', () => {
  it('have an example configuration that the backend accepts', () => {
    const readme = readFileSync(join(__dirname, '../../../docs/response.md'), 'utf8');
    const block = /## Example configuration\s+```yaml\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const cfg = parseConfig(parse(block![1]), 'docs/response.md example');
    expect(Object.keys(cfg.remediation.actions)).toEqual(['clear_cache', 'scale_up', 'restart_service', 'database_maintenance']);
    expect(Object.keys(cfg.notification.channels)).toEqual(['team-slack', 'pager', 'sre-mail', 'automation']);
  });
});
