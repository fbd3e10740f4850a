import type { CommandSpec } from '../command-table';

/** `mahavishnu incidents status`: is the backend up, ready, how far has the engine got, and which replica leads it. */
export const STATUS_COMMAND: CommandSpec = {
  name: 'status',
  description: 'show whether the backend is up and ready, and which replica leads the engine',
  async run(ctx) {
    const ready = await ctx.client.ready();
    ctx.out.line(`${ctx.client.url}: ready ${JSON.stringify(ready)}`);
    const cluster = await ctx.client.cluster();
    const leader = cluster.leader ? `${cluster.leader.replica_id} (term ${cluster.leader.term})` : 'none (an election is under way)';
    ctx.out.line(`replica ${cluster.replica_id}, ${cluster.role}, on ${cluster.store}; engine leader: ${leader}`);
  },
};
