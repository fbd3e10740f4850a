import { userInfo } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiError, MahavishnuClient, UnreachableError } from '../client/client';
import { FORMATS, Output, type Format } from './output';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** A mistake in how a command was called (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What a command runs with. */
export interface CliContext {
  client: MahavishnuClient;
  out: Output;
  /** The output format when the command has `formats` (default `table`). */
  format: Format;
  now(): number;
}

export interface OptionSpec {
  /** Commander syntax, e.g. `--limit <n>` or `--timeline`. */
  flags: string;
  description: string;
  default?: unknown;
  parse?: (value: string, previous: unknown) => unknown;
  choices?: readonly string[];
}

/** One command as data: the table the CLI is built from. */
export interface CommandSpec {
  /** Name and arguments in commander syntax: `get <id>`, `disable <ids...>`. */
  name: string;
  description: string;
  options?: OptionSpec[];
  /** Adds `--format table|json|csv`. */
  formats?: boolean;
  /** Returns the exit code (0 when nothing is returned). */
  run?(ctx: CliContext, args: string[], opts: Record<string, any>): Promise<number | void>;
  subcommands?: CommandSpec[];
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Builds a commander command from its spec; every command gets `--url`. */
export function buildCommand(spec: CommandSpec, out: Output): Command {
  const cmd = new Command(spec.name.split(' ')[0]).description(spec.description);
  for (const arg of spec.name.split(' ').slice(1)) {
    cmd.argument(arg);
  }
  for (const sub of spec.subcommands ?? []) {
    cmd.addCommand(buildCommand(sub, out));
  }
  if (!spec.run) {
    return cmd;
  }
  for (const o of spec.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.choices) opt.choices(o.choices);
    if (o.parse) opt.argParser(o.parse as (v: string, p: unknown) => unknown);
    if (o.default !== undefined) opt.default(o.default);
    cmd.addOption(opt);
  }
  if (spec.formats) {
    cmd.addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'));
  }
  cmd.addOption(new Option('--url <url>', 'backend URL').env('MAHAVISHNU_URL').default(DEFAULT_URL));
  cmd.action(async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const opts = command.opts();
    // A missing optional argument comes as '' (falsy), so positions stay put.
    const args = command.processedArgs.flat().map((a) => (a === undefined ? '' : String(a)));
    const client = new MahavishnuClient({ url: opts.url, apiKey: process.env.MAHAVISHNU_API_KEY || undefined, actor: actor() });
    const ctx: CliContext = { client, out, format: (opts.format ?? 'table') as Format, now: () => Date.now() };
    process.exitCode = await runSafely(() => spec.run!(ctx, args, opts), out);
  });
  return cmd;
}

/** Runs a command and turns what went wrong into a message and an exit code. */
async function runSafely(fn: () => Promise<number | void>, out: Output): Promise<number> {
  try {
    return (await fn()) ?? EXIT.ok;
  } catch (err) {
    if (err instanceof UnreachableError) {
      out.error(err.message);
      return EXIT.unreachable;
    }
    if (err instanceof ApiError) {
      out.error(`${err.message}${err.details.length > 1 ? `\n${err.details.map((d) => `  ${d.field}: ${d.message}`).join('\n')}` : ''} (HTTP ${err.status} ${err.code})`);
      return EXIT.failed;
    }
    if (err instanceof UsageError || err instanceof InvalidArgumentError) {
      out.error(err.message);
      return EXIT.usage;
    }
    throw err;
  }
}

/** Parses a positive integer option, for `--limit 10`. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`expected a whole number of 1 or more, got "${value}"`);
  }
  return n;
}

/** Parses `api,worker,database` into its parts. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Who is acting: MAHAVISHNU_USER, else the login name (acknowledgements and approvals name a person). */
function actor(): string | undefined {
  if (process.env.MAHAVISHNU_USER) {
    return process.env.MAHAVISHNU_USER;
  }
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
