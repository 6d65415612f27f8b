import type { FastifyInstance } from 'fastify';
import { LocalObjectStore } from '../../storage/local';
import { ObjectNotFoundError } from '../../storage/types';
import { PlatformError } from '../errors';
import type { Platform } from '../platform';

/** Serves local-disk presigned URLs (S3 presigned URLs go to the bucket directly). */
export function registerDownloadRoutes(app: FastifyInstance, platform: Platform): void {
  const store = platform.objects;
  if (!(store instanceof LocalObjectStore)) return;
  app.get<{ Params: { '*': string }; Querystring: { expires?: string; signature?: string } }>(
    '/downloads/*',
    async (request, reply) => {
      const key = request.params['*'];
      const refusal = store.verify(key, request.query.expires, request.query.signature);
      if (refusal === 'expired') {
        throw new PlatformError(
          403,
          'DOWNLOAD_EXPIRED',
          'This download link has expired.',
          'Ask for a new one: GET /api/v1/deployments/{id}/download.',
        );
      }
      if (refusal) {
        throw new PlatformError(
          403,
          'DOWNLOAD_SIGNATURE_INVALID',
          'This download link is not valid.',
          'Use the complete URL returned by /api/v1/deployments/{id}/download.',
        );
      }
      try {
        const body = await store.get(key);
        reply.header('Content-Type', contentType(key));
        reply.header('Content-Disposition', `attachment; filename="${key.split('/').pop()}"`);
        return reply.send(body);
      } catch (error) {
        if (error instanceof ObjectNotFoundError) {
          throw new PlatformError(
            404,
            'DOWNLOAD_NOT_FOUND',
            'The file behind this link no longer exists.',
            'The deployment may have been deleted.',
          );
        }
        throw error;
      }
    },
  );
}

function contentType(key: string): string {
  if (key.endsWith('.json')) return 'application/json';
  if (key.endsWith('.zip')) return 'application/zip';
  return 'application/octet-stream';
}
