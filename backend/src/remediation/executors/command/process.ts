import { spawn, type ChildProcess } from 'node:child_process';
import { OutputCollector } from './output';

/** One program to run, fully resolved: no templates, no shell. */
export interface ProcessSpec {
  program: string;
  args: string[];
  cwd: string | undefined;
  env: Record<string, string>;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL once the timeout has passed. */
  killGraceMs: number;
  outputLimitBytes: number;
}

/** How a process ended, with what it printed. */
export type ProcessOutcome =
  | { kind: 'exited'; code: number; output: string }
  | { kind: 'signalled'; signal: string; output: string }
  | { kind: 'timed_out'; output: string }
  | { kind: 'spawn_failed'; code: string | undefined };

// After the program exits, how long to wait for its pipes to close: a background child it left
// behind may hold them open forever, and the run must not wait for that.
const DRAIN_MS = 1000;

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Signals the program's whole process group (it leads one), so children it started stop with it. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Runs a program to its end or its timeout. Never rejects. */
export function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(spec.program, spec.args, {
        shell: false,
        cwd: spec.cwd,
        env: spec.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so a timeout can stop everything the program started.
        detached: true,
      });
    } catch (err) {
      resolve({ kind: 'spawn_failed', code: errorCode(err) });
      return;
    }

    const output = new OutputCollector(spec.outputLimitBytes);
    child.stdout?.on('data', (chunk: Buffer) => output.add(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.add(chunk));

    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      signalGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), spec.killGraceMs);
    }, spec.timeoutMs);

    let settled = false;
    const finish = (outcome: ProcessOutcome, pipesClosed = true): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(drainTimer);
      // Open pipes after a timeout mean something in the group ignored SIGTERM: let SIGKILL still come.
      if (pipesClosed) clearTimeout(killTimer);
      else killTimer?.unref();
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(outcome);
    };
    const finishFromExit = (pipesClosed: boolean): void => {
      const text = output.text();
      if (timedOut) finish({ kind: 'timed_out', output: text }, pipesClosed);
      else if (exit?.signal) finish({ kind: 'signalled', signal: exit.signal, output: text }, pipesClosed);
      else finish({ kind: 'exited', code: exit?.code ?? -1, output: text }, pipesClosed);
    };

    child.on('error', (err) => {
      // Also emitted when a kill fails; only a program that never started ends the run here.
      if (child.pid === undefined) finish({ kind: 'spawn_failed', code: errorCode(err) });
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // An exit after SIGTERM still reads as a timeout: `timedOut` stays set.
      clearTimeout(timeoutTimer);
      drainTimer = setTimeout(() => finishFromExit(false), DRAIN_MS);
    });
    child.on('close', (code, signal) => {
      // A program that never started is ended by 'error'.
      if (child.pid === undefined) return;
      exit ??= { code, signal };
      finishFromExit(true);
    });
  });
}
