import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { DetectionRulePatchSchema } from '../schema/rules';
import { DEMO_BIN, demoConfigYaml } from './config';

test('the YAML binds clear_cache and restart_service to the demo service', () => {
  const text = demoConfigYaml({ demoUrl: 'http://127.0.0.1:4321/', dataDir: '/tmp/demo-data' });
  expect(parse(text)).toEqual({
    store: { data_dir: '/tmp/demo-data' },
    detection: {
      rules: { error_burst: { time_window_seconds: 60, check_interval_seconds: 5, quiet_period_seconds: 20 } },
    },
    remediation: {
      auto_remediation: true,
      verify_seconds: 30,
      actions: {
        clear_cache: {
          executor: { kind: 'http', method: 'POST', url: 'http://127.0.0.1:4321/cache/clear', timeout_seconds: 5 },
          max_runs_per_hour: 6,
        },
        restart_service: {
          executor: {
            kind: 'command',
            argv: [process.execPath, DEMO_BIN, 'restart', '--url', 'http://127.0.0.1:4321'],
            timeout_seconds: 30,
          },
          max_runs_per_hour: 3,
        },
      },
    },
    notification: { channels: { console: { type: 'log' } } },
    security: { outbound: { allowlist: ['127.0.0.1'] } },
  });
});

test('verify_seconds can be set; the command is the absolute path of the demo bin', () => {
  const cfg = parse(demoConfigYaml({ demoUrl: 'http://127.0.0.1:1', dataDir: 'd', verifySeconds: 5 }));
  expect(cfg.remediation.verify_seconds).toBe(5);
  const argv = cfg.remediation.actions.restart_service.executor.argv as string[];
  expect(argv[1]).toMatch(/backend[/\\]bin[/\\]mahavishnu-demo\.js$/);
  expect(existsSync(argv[1])).toBe(true);
});

test('the error_burst change is a valid rule patch (quiet_period_seconds is patchable)', () => {
  const cfg = parse(demoConfigYaml({ demoUrl: 'http://127.0.0.1:1', dataDir: 'd' }));
  expect(DetectionRulePatchSchema.safeParse(cfg.detection.rules.error_burst).success).toBe(true);
});
