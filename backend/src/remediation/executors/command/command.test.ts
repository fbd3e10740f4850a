import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testContext } from '../test-context';
import { CommandExecutorConfigSchema, createCommandExecutor, KILL_GRACE_MS, TRUNCATED_MARKER } from '.';

let dir: string;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'cmd-executor-')));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a node script into the temp dir and returns argv that runs it with `args`. */
function script(source: string, ...args: string[]): string[] {
  const path = join(dir, 'script.js');
  writeFileSync(path, source);
  return [process.execPath, path, ...args];
}

function executor(cfg: Record<string, unknown>) {
  return createCommandExecutor(CommandExecutorConfigSchema.parse({ kind: 'command', ...cfg }));
}

/** Whether `pid` ends (or is left a zombie) within a second: its signal may still be in flight. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    try {
      process.kill(pid, 0);
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return true;
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

const PRINT_ARGS = 'process.stdout.write(JSON.stringify(process.argv.slice(2)));';

describe('command executor', () => {
  it('passes each rendered element as exactly one plain argument: no shell, no injection', async () => {
    const params = {
      semi: `; touch ${join(dir, 'x')}`,
      subst: '$(id)',
      backtick: '`id`',
      newline: 'a\nb',
      flag: '--flag',
      quotes: `"it's" && echo`,
      glob: '*',
    };
    const argv = script(
      PRINT_ARGS,
      '{{ params.semi }}',
      '{{ params.subst }}',
      '{{ params.backtick }}',
      '{{ params.newline }}',
      '{{ params.flag }}',
      '--name={{ params.quotes }}',
      '{{ params.glob }}',
      '{{ incident.affected_components }}',
      '{{ params.absent }}'
    );

    const result = await executor({ argv }).run(testContext({ params }));

    expect(result.outcome).toBe('succeeded');
    expect(result.detail).toBe('exit 0');
    expect(JSON.parse(result.output)).toEqual([
      params.semi,
      '$(id)',
      '`id`',
      'a\nb',
      '--flag',
      `--name="it's" && echo`,
      '*',
      'api,db-1',
      '',
    ]);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('plans the rendered argv and cwd without running anything', () => {
    const argv = script(
      `require('fs').writeFileSync(${JSON.stringify(join(dir, 'ran'))}, '')`,
      '{{ incident.incident_id }}'
    );
    const plan = executor({ argv, cwd: dir }).plan(testContext());
    expect(plan).toEqual({ argv: [argv[0], argv[1], 'inc_00042'], cwd: dir });
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('gives the program only allowlisted variables, the configured ones and the run ids', async () => {
    process.env.EXECUTOR_TEST_HIDDEN = 'hidden-value';
    process.env.EXECUTOR_TEST_SHOWN = 'shown-value';
    try {
      const argv = script('process.stdout.write(JSON.stringify(process.env));');
      const result = await executor({ argv, env_allowlist: ['EXECUTOR_TEST_SHOWN'], env: { FIXED: 'yes' } }).run(
        testContext()
      );

      const env = JSON.parse(result.output);
      expect(env).not.toHaveProperty('EXECUTOR_TEST_HIDDEN');
      expect(env).toMatchObject({
        EXECUTOR_TEST_SHOWN: 'shown-value',
        FIXED: 'yes',
        MAHAVISHNU_INCIDENT_ID: 'inc_00042',
        MAHAVISHNU_ACTION_ID: 'restart_service',
        MAHAVISHNU_RUN_ID: 'run_0001',
        MAHAVISHNU_IDEMPOTENCY_KEY: 'idem-inc_00042-restart_service-1',
      });
      expect(env).not.toHaveProperty('PATH');
    } finally {
      delete process.env.EXECUTOR_TEST_HIDDEN;
      delete process.env.EXECUTOR_TEST_SHOWN;
    }
  });

  it('kills a program that outlives its timeout and reports it timed out', async () => {
    const started = Date.now();

    const result = await executor({
      argv: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
      timeout_seconds: 1,
    }).run(testContext());

    expect(result).toMatchObject({ outcome: 'failed', detail: 'timed out after 1s' });
    expect(Date.now() - started).toBeLessThan(1000 + KILL_GRACE_MS + 1000);
  });

  it('kills a program that ignores SIGTERM after the grace period', async () => {
    const argv = script("process.on('SIGTERM', () => {}); console.log('started'); setInterval(() => {}, 1000);");
    const started = Date.now();

    const result = await executor({ argv, timeout_seconds: 1 }).run(testContext());

    expect(result).toEqual({ outcome: 'failed', detail: 'timed out after 1s', output: 'started\n' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1000 + KILL_GRACE_MS - 100);
    expect(elapsed).toBeLessThan(1000 + KILL_GRACE_MS + 1500);
  }, 10000);

  it('stops what the program started too, when it times out', async () => {
    const argv = script(
      "const { spawn } = require('child_process');" +
        "const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });" +
        'console.log(c.pid); setInterval(() => {}, 1000);'
    );

    const result = await executor({ argv, timeout_seconds: 1 }).run(testContext());

    expect(result.detail).toBe('timed out after 1s');
    const grandchild = Number(result.output.trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(await gone(grandchild)).toBe(true);
  });

  it('fails with the exit code and keeps stdout and stderr', async () => {
    const argv = script("console.log('out'); console.error('err'); process.exitCode = 3;");
    const result = await executor({ argv }).run(testContext());
    expect(result.outcome).toBe('failed');
    expect(result.detail).toBe('exit 3');
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
  });

  it('reports a program killed by a signal', async () => {
    const argv = script("process.kill(process.pid, 'SIGKILL');");
    expect(await executor({ argv }).run(testContext())).toEqual({
      outcome: 'failed',
      detail: 'killed by SIGKILL',
      output: '',
    });
  });

  it('reports a missing program and one that cannot be executed', async () => {
    const missing = join(dir, 'no-such-program');
    expect(await executor({ argv: [missing] }).run(testContext())).toEqual({
      outcome: 'failed',
      detail: `program not found: ${missing}`,
      output: '',
    });
    const notExecutable = join(dir, 'plain.txt');
    writeFileSync(notExecutable, 'not a program', { mode: 0o644 });
    expect(await executor({ argv: [notExecutable] }).run(testContext())).toEqual({
      outcome: 'failed',
      detail: `program not executable: ${notExecutable}`,
      output: '',
    });
  });

  it('truncates output over the limit and still lets the program finish', async () => {
    const argv = script("process.stdout.write('y'.repeat(200000)); process.stdout.write('done');");
    const result = await executor({ argv, output_limit_bytes: 1000 }).run(testContext());
    expect(result.detail).toBe('exit 0');
    expect(result.output).toBe('y'.repeat(1000) + TRUNCATED_MARKER);
  });

  it('runs in the configured cwd and refuses a missing one', async () => {
    const argv = script('process.stdout.write(process.cwd());');
    expect((await executor({ argv, cwd: dir }).run(testContext())).output).toBe(dir);
    const missing = join(dir, 'gone');
    expect(await executor({ argv, cwd: missing }).run(testContext())).toEqual({
      outcome: 'failed',
      detail: `working directory not found: ${missing}`,
      output: '',
    });
  });

  it('refuses an argument with a NUL byte instead of throwing', async () => {
    const argv = script(PRINT_ARGS, '{{ params.x }}');
    expect(await executor({ argv }).run(testContext({ params: { x: 'a\0b' } }))).toEqual({
      outcome: 'failed',
      detail: 'argument 2 holds a NUL byte after rendering',
      output: '',
    });
  });
});

describe('CommandExecutorConfigSchema', () => {
  it('applies the defaults', () => {
    expect(CommandExecutorConfigSchema.parse({ kind: 'command', argv: ['/usr/bin/true'] })).toEqual({
      kind: 'command',
      argv: ['/usr/bin/true'],
      timeout_seconds: 30,
      env_allowlist: ['PATH'],
      env: {},
      output_limit_bytes: 16384,
    });
  });

  it.each([
    ['a template in the program', { argv: ['{{ params.cmd }}', 'x'] }, 'program'],
    ['an unknown template root', { argv: ['/bin/echo', '{{ env.HOME }}'] }, 'env.HOME'],
    ['an empty argv', { argv: [] }, 'argv'],
    ['an empty argument', { argv: ['/bin/echo', ''] }, 'argv'],
    ['a reserved variable', { argv: ['/bin/echo'], env: { MAHAVISHNU_RUN_ID: 'x' } }, 'MAHAVISHNU_'],
    ['a bad variable name', { argv: ['/bin/echo'], env_allowlist: ['A=B'] }, 'variable name'],
    ['a timeout over an hour', { argv: ['/bin/echo'], timeout_seconds: 3601 }, 'timeout_seconds'],
    ['an output limit under 256', { argv: ['/bin/echo'], output_limit_bytes: 10 }, 'output_limit_bytes'],
    ['an unknown field', { argv: ['/bin/echo'], shell: true }, 'shell'],
  ])('refuses %s', (_name, cfg, needle) => {
    const parsed = CommandExecutorConfigSchema.safeParse({ kind: 'command', ...cfg });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(needle);
  });
});
