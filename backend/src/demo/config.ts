import path from 'node:path';
import { stringify } from 'yaml';

/** The demo's control command; from backend/src/demo and from backend/dist/demo alike it is backend/bin. */
export const DEMO_BIN = path.resolve(__dirname, '..', '..', 'bin', 'mahavishnu-demo.js');

export interface DemoConfigOptions {
  /** The demo service, e.g. `http://127.0.0.1:41234`. */
  demoUrl: string;
  /** The backend's data dir (its SQLite file). */
  dataDir: string;
  /** How long the backend watches the data after a remediation before it judges it; default 30 s. */
  verifySeconds?: number;
}

/**
 * The backend configuration that binds the demo service: a faster error_burst rule, auto-remediation
 * with `clear_cache` as an HTTP call to the service and `restart_service` as the demo's control
 * command, notifications to the log, and the service's host in the outbound allowlist (it usually
 * runs on loopback, which the backend refuses to call unless named).
 */
export function demoConfig(opts: DemoConfigOptions): Record<string, unknown> {
  const demoUrl = opts.demoUrl.replace(/\/+$/, '');
  return {
    store: { data_dir: opts.dataDir },
    detection: {
      rules: {
        error_burst: { time_window_seconds: 60, check_interval_seconds: 5, quiet_period_seconds: 20 },
      },
    },
    remediation: {
      auto_remediation: true,
      verify_seconds: opts.verifySeconds ?? 30,
      actions: {
        clear_cache: {
          executor: { kind: 'http', method: 'POST', url: `${demoUrl}/cache/clear`, timeout_seconds: 5 },
          max_runs_per_hour: 6,
        },
        restart_service: {
          executor: {
            kind: 'command',
            argv: [process.execPath, DEMO_BIN, 'restart', '--url', demoUrl],
            timeout_seconds: 30,
          },
          max_runs_per_hour: 3,
        },
      },
    },
    notification: {
      channels: {
        console: { type: 'log' },
      },
    },
    security: { outbound: { allowlist: [new URL(demoUrl).hostname] } },
  };
}

/** {@link demoConfig} as the YAML file `mahavishnu incidents start --config` reads. */
export function demoConfigYaml(opts: DemoConfigOptions): string {
  return stringify(demoConfig(opts));
}
