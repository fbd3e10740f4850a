import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/load';
import { buildCommand, EXIT } from './command-table';
import { INCIDENT_COMMANDS } from './commands/incidents';
import { RULE_COMMANDS } from './commands/rules';
import { AUDIT_COMMAND, KEY_COMMANDS } from './commands/security';
import { STATUS_COMMAND } from './commands/status';
import { TESTING_COMMANDS } from './commands/testing';
import { WATCH_COMMAND } from './commands/watch';
import { Output } from './output';
import { dashboardCommand, startCommand } from './start';

export { EXIT } from './command-table';

/** `mahavishnu incidents ...`: builds the command tree from the command tables and runs it; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const out = new Output(process.stdout, process.stderr);
  const program = new Command('mahavishnu').description('Mahavishnu incident response').exitOverride();
  const incidents = program.command('incidents').description('detect, correlate and respond to incidents');
  incidents.addCommand(startCommand());
  incidents.addCommand(dashboardCommand());
  for (const spec of [STATUS_COMMAND, ...INCIDENT_COMMANDS, WATCH_COMMAND, ...RULE_COMMANDS, ...TESTING_COMMANDS, KEY_COMMANDS, AUDIT_COMMAND]) {
    incidents.addCommand(buildCommand(spec, out));
  }
  // Subcommands inherit exitOverride, so a usage error anywhere ends as exit code 2.
  const override = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(override);
  };
  override(program);
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
