import type { CommandSpec } from '../command-table';

/** `mahavishnu incidents rules ...`: the spec's detection rules management. */
export const RULE_COMMANDS: CommandSpec[] = [];
