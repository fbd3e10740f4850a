import type { CommandSpec } from '../command-table';

/** `mahavishnu incidents test-rule|simulate`: the spec's testing commands. */
export const TESTING_COMMANDS: CommandSpec[] = [];
