import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BIN = join(__dirname, '../bin/mahavishnu.js');

/** What a run of the CLI printed and how it ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `mahavishnu` binary as a user would (`mahavishnu incidents <args>`), against the
 * backend at `url`, with stdout piped (so output is plain, never coloured). Resolves when it exits.
 */
export function runCli(args: string[], opts: { url?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  if (!existsSync(join(__dirname, '../dist/cli/main.js'))) {
    throw new Error('backend/dist is missing: run `npm run build:backend` first (npm test does)');
  }
  const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: '1', ...opts.env };
  if (opts.url) {
    env.MAHAVISHNU_URL = opts.url;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'incidents', ...args], { env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Reads a box table as cli-table3 draws it: the header row and the data rows, cells trimmed. */
export function readTable(text: string): { head: string[]; rows: string[][] } {
  const lines = text.split('\n').filter((l) => l.startsWith('│'));
  const cells = lines.map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
  return { head: cells[0] ?? [], rows: cells.slice(1) };
}

/** Reads CSV (RFC 4180) into rows of strings. */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') {
      cell += c;
    }
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A CLI process that keeps running (e.g. `watch`): wait for what it prints, then stop it. */
export interface LiveCli {
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, ms?: number): Promise<string>;
  stop(): Promise<CliRun>;
}

export function startCli(args: string[], opts: { url?: string; env?: Record<string, string> } = {}): LiveCli {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: '1', ...opts.env };
  if (opts.url) {
    env.MAHAVISHNU_URL = opts.url;
  }
  const child = spawn(process.execPath, [BIN, 'incidents', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (seen.stdout += d));
  child.stderr.on('data', (d) => (seen.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    async waitFor(stream, pattern, ms = 10_000) {
      const start = Date.now();
      while (!pattern.test(seen[stream])) {
        if (Date.now() - start > ms) {
          throw new Error(`no ${pattern} on ${stream} within ${ms} ms; it printed:\n${seen.stdout}\n${seen.stderr}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return seen[stream];
    },
    async stop() {
      child.kill('SIGINT');
      const code = await exited;
      return { code, ...seen };
    },
  };
}
