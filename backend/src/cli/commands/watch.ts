import type { StreamMessage } from '../../client/client';
import type { Incident } from '../../schema/incidents';
import { SEVERITIES, isActiveStatus } from '../../schema/enums';
import type { CommandSpec } from '../command-table';
import { incidentColumns } from './columns';

const CLEAR = '\x1b[2J\x1b[H';

/** `mahavishnu incidents watch [incident_id]`: active incidents, redrawn live from the server-sent stream. */
export const WATCH_COMMAND: CommandSpec = {
  name: 'watch [incident_id]',
  description: 'watch active incidents (or one incident) live',
  options: [
    { flags: '--severity <severity>', description: 'only incidents of this severity', choices: SEVERITIES },
    { flags: '--timeout <seconds>', description: 'stop after this many seconds (default: until Ctrl-C)', parse: (v: string) => Number(v) },
  ],
  async run(ctx, [id], o) {
    const stop = new AbortController();
    const end = () => stop.abort();
    process.once('SIGINT', end);
    process.once('SIGTERM', end);
    const timer = o.timeout > 0 ? setTimeout(end, o.timeout * 1000) : null;
    const wanted = (i: Incident) => (!id || i.incident_id === id) && (!o.severity || i.severity === o.severity);
    const shown = new Map<string, Incident>();
    for (const inc of id ? [await ctx.client.getIncident(id)] : await ctx.client.listIncidents({ status: 'active', severity: o.severity, limit: 1000 })) {
      shown.set(inc.incident_id, inc);
    }
    const live = Boolean(process.stdout.isTTY);
    const draw = (m?: StreamMessage) => {
      if (live) {
        ctx.out.line(`${CLEAR}${ctx.out.bold(id ? `Watching ${id}` : 'Active incidents')} (live; Ctrl-C to stop)`);
        ctx.out.records([...shown.values()], incidentColumns(ctx.out, ctx.now()), 'table');
      } else if (m) {
        // Piped: one line per change, so scripts and logs can follow it.
        const i = m.incident;
        ctx.out.line(`${new Date(ctx.now()).toISOString()} ${m.type} ${i.incident_id} ${i.severity.toUpperCase()} ${i.status} ${i.title}`);
      }
    };
    draw();
    try {
      await ctx.client.stream(
        (m) => {
          if (!wanted(m.incident)) {
            return;
          }
          if (isActiveStatus(m.incident.status) || id) {
            shown.set(m.incident.incident_id, m.incident);
          } else {
            shown.delete(m.incident.incident_id);
          }
          draw(m);
        },
        stop.signal,
        () => ctx.out.note(`watching ${ctx.client.url}${id ? ` for ${id}` : ''} (${shown.size} shown)`)
      );
    } finally {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', end);
      process.off('SIGTERM', end);
    }
    return undefined;
  },
};

