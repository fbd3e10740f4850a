import type { CommandSpec } from '../command-table';

/** `mahavishnu incidents status`: is the backend up, ready, and how far has the engine got. */
export const STATUS_COMMAND: CommandSpec = {
  name: 'status',
  description: 'show whether the backend is up and ready',
  async run(ctx) {
    const ready = await ctx.client.ready();
    ctx.out.line(`${ctx.client.url}: ready ${JSON.stringify(ready)}`);
  },
};
