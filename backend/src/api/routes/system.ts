import { toIncidentDto } from '../../incidents/dto';
import { sseFrame } from '../../engine/change-bus';
import { route, type RouteDef } from '../route';
import type { Services } from '../services';
import { HttpError, UnavailableError } from '../../util/errors';
import { credentialOf } from '../../security/authenticate';

/** Health, readiness, metrics and the live stream. */
export function systemRoutes(s: Services, openapi: () => unknown): RouteDef[] {
  return [
    route({ method: 'get', path: '/healthz', tag: 'system', access: 'public', summary: 'The process serves', handler: () => ({ status: 'ok' }) }),
    route({
      method: 'get',
      path: '/readyz',
      access: 'public',
      tag: 'system',
      summary: 'The store takes writes and the engine has caught up with the event log (a standby replica is ready to serve)',
      errors: [503],
      handler: () => {
        const fault = s.storeHealth.current;
        if (fault) {
          // Not ready while the store is unreachable or full: a load balancer sends the traffic elsewhere.
          const notReady = new HttpError(503, fault.code, `not ready: ${fault.message}`);
          notReady.retryAfterSeconds = fault.retryAfterSeconds;
          throw notReady;
        }
        const standby = s.cluster.shared && !s.cluster.leading;
        if (!s.engine.ready && !standby) {
          throw new UnavailableError('the engine is still catching up with the event log');
        }
        return { status: 'ready', role: standby ? 'standby' : 'leader', checkpoint: s.engine.processedPosition };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/cluster',
      tag: 'system',
      summary: 'This replica and the one that leads the engine',
      handler: () => {
        const leader = s.cluster.leader();
        return {
          replica_id: s.cluster.replicaId,
          role: s.cluster.leading ? 'leader' : 'standby',
          store: s.config.store.kind,
          leader: leader && {
            replica_id: leader.replicaId,
            term: leader.term,
            address: leader.address,
            lease_expires_at: s.cluster.shared ? new Date(leader.leaseExpiresAt).toISOString() : null,
          },
        };
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      access: 'public',
      tag: 'system',
      summary: 'Prometheus text exposition',
      produces: 'text/plain',
      handler: async ({ res }) => {
        res.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics());
        return undefined;
      },
    }),
    route({ method: 'get', path: '/api/v1/openapi.json', tag: 'system', access: 'public', summary: 'This API as OpenAPI 3', handler: () => openapi() }),
    route({
      method: 'get',
      path: '/api/v1/stream',
      tag: 'incidents',
      summary: 'Server-sent events: every new incident and incident change',
      produces: 'text/event-stream',
      handler: ({ req, res }) => {
        // A stream lives as long as its key: revoking the key ends it (on every replica).
        const credential = s.security.keys.enforced ? credentialOf(req) : undefined;
        let unwatch = () => {};
        res.writeHead(200, {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-cache',
          Connection: 'keep-alive',
          'X-Accel-Buffering': 'no',
        });
        res.write(': connected\n\n');
        const unsubscribe = s.bus.subscribe((change) => {
          res.write(sseFrame(change, toIncidentDto));
        });
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        const stop = () => {
          clearInterval(ping);
          unsubscribe();
          unwatch();
        };
        if (credential !== undefined) {
          unwatch = s.security.keys.watch(credential, () => {
            stop();
            res.end(': the API key of this stream was revoked\n\n');
          });
        }
        req.on('close', stop);
        return undefined;
      },
    }),
  ];
}
