import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform';

/** Liveness (the process answers) and readiness (database and inference backend usable; limiter mode reported). */
export function registerHealthRoutes(app: FastifyInstance, platform: Platform): void {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const [database, backend] = await Promise.all([
      platform.store.db
        .get('SELECT 1 AS ok')
        .then(() => ({ ready: true, detail: platform.store.db.dialect }))
        .catch((error: Error) => ({ ready: false, detail: error.message })),
      platform.backend.health(),
    ]);
    const limits = platform.limiter.status();
    const ready = database.ready && backend.ready;
    reply.code(ready ? 200 : 503);
    return {
      status: ready ? (limits.mode === 'redis-unreachable' ? 'degraded' : 'ok') : 'unavailable',
      database,
      backend,
      rate_limits: limits,
      storage: platform.objects.describe(),
    };
  });
}
