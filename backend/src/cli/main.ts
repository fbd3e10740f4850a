import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load';
import { startCommand } from './start';
import { statusCommand } from './status';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** `mahavishnu incidents ...`: builds the command tree and runs it; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('mahavishnu').description('Mahavishnu incident response').exitOverride();
  const incidents = program.command('incidents').description('detect, correlate and respond to incidents');
  incidents.addCommand(startCommand());
  incidents.addCommand(statusCommand());
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
