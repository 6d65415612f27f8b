import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { PlatformError, toPlatformError } from './errors';
import type { Platform } from './platform';
import { registerDeploymentRoutes } from './routes/deployments';
import { registerDownloadRoutes } from './routes/downloads';
import { registerExportRoutes } from './routes/exports';
import { registerHealthRoutes } from './routes/health';
import { registerInferRoutes } from './routes/infer';

/** The HTTP service: management API, inference, downloads, health; every error as {error: {code, message, hint}}. */
export async function buildApp(platform: Platform): Promise<FastifyInstance> {
  const { config } = platform;
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel === 'debug' ? 'debug' : 'warn' },
    bodyLimit: config.bodyLimitBytes,
    keepAliveTimeout: 65_000,
    // Behind a load balancer the client's address is in X-Forwarded-For.
    trustProxy: true,
  });
  await app.register(multipart, {
    limits: { fileSize: config.uploadLimitBytes, files: 2, fields: 8, fieldSize: 1024 * 1024 },
    throwFileSizeLimit: true,
  });

  app.setErrorHandler((error, request, reply) => {
    const platformError = toPlatformError(error);
    if (platformError.status >= 500 && platformError.code === 'INTERNAL_ERROR') {
      request.log.error({ err: error }, 'request failed');
      platform.log(`error on ${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`);
    }
    reply.code(platformError.status).headers(platformError.headers).send(platformError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new PlatformError(
      404,
      'NOT_FOUND',
      `There is no ${request.method} ${request.url.split('?')[0]}.`,
      'See platform/README.md for the API.',
    );
    reply.code(404).send(e.toBody());
  });

  registerHealthRoutes(app, platform);
  registerDeploymentRoutes(app, platform);
  registerInferRoutes(app, platform);
  registerDownloadRoutes(app, platform);
  registerExportRoutes(app, platform);
  return app;
}
