import { EXECUTOR_KINDS } from '../executor';
import { OutboundGuard } from '../../security/outbound';
import { createHttpClient } from '../../util/http-client';
import { createExecutor, ExecutorConfigSchema, type ExecutorConfig } from '.';

const deps = { http: createHttpClient({ outbound: new OutboundGuard() }) };

describe('executor registry', () => {
  const configs: Record<(typeof EXECUTOR_KINDS)[number], unknown> = {
    http: { kind: 'http', url: 'https://example.com/hooks/{{ incident.incident_id }}' },
    command: { kind: 'command', argv: ['/usr/bin/systemctl', 'restart', '{{ params.service }}'] },
    manual: { kind: 'manual', instructions: 'Check the dashboard.' },
  };

  it.each(EXECUTOR_KINDS)('parses a %s config and builds that executor', (kind) => {
    const cfg: ExecutorConfig = ExecutorConfigSchema.parse(configs[kind]);
    expect(createExecutor(cfg, deps).kind).toBe(kind);
  });

  it("applies the chosen kind's defaults and rules", () => {
    expect(ExecutorConfigSchema.parse(configs.http)).toMatchObject({ method: 'POST', timeout_seconds: 10 });
    expect(ExecutorConfigSchema.safeParse({ kind: 'command', argv: ['{{ params.program }}'] }).success).toBe(false);
    expect(ExecutorConfigSchema.safeParse({ kind: 'manual', url: 'https://example.com/' }).success).toBe(false);
  });

  it('refuses an unknown kind', () => {
    const parsed = ExecutorConfigSchema.safeParse({ kind: 'ssh', host: 'db-1' });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('kind');
  });
});
