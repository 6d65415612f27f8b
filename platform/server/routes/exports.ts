import type { FastifyError, FastifyInstance } from 'fastify';
import { bearerToken } from '../../auth/keys';
import { PlatformError, toPlatformError } from '../errors';
import { COMPLETION_BODY_LIMIT_BYTES, PROGRESS_BODY_LIMIT_BYTES } from '../export-jobs';
import type { Platform } from '../platform';
import { requireAccount } from './account-auth';

type IdParams = { Params: { id: string } };

/**
 * Remote export jobs: registered, polled and forgotten by the app with its account token; progress and completion
 * posted by the trainer with the job's callback token.
 */
export function registerExportRoutes(app: FastifyInstance, platform: Platform): void {
  const service = platform.exportJobs;

  app.register(async (scope) => {
    const account = requireAccount(scope, platform);
    scope.setErrorHandler((error) => {
      throw withJsonHint(error, 'Send {"jobId": "<uuid>"} with Content-Type: application/json.');
    });

    scope.post('/api/v1/export', async (request, reply) => {
      const registered = await service.register(account(request), request.body);
      reply.code(201);
      return registered;
    });

    scope.get<IdParams & { Querystring: { after?: string } }>('/api/v1/export/:id', async (request) =>
      service.status(account(request), request.params.id, request.query.after),
    );

    scope.delete<IdParams>('/api/v1/export/:id', async (request) => {
      await service.forget(account(request), request.params.id);
      return { deleted: true, id: request.params.id };
    });
  });

  app.register(async (scope) => {
    // Checked before the body is read: a caller without the job's token cannot make the service buffer anything.
    scope.addHook<IdParams>('onRequest', async (request) =>
      service.authenticateCallback(request.params.id, bearerToken(request.headers.authorization)),
    );
    scope.setErrorHandler((error: FastifyError, request) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw callbackTooLarge(request.url);
      throw withJsonHint(error, CALLBACK_JSON_HINT); // to the service's handler
    });

    scope.post<IdParams>(
      '/api/v1/export/:id/callback/progress',
      { bodyLimit: PROGRESS_BODY_LIMIT_BYTES },
      async (request) => service.recordProgress(request.params.id, request.body),
    );

    scope.post<IdParams>(
      '/api/v1/export/:id/callback/completion',
      { bodyLimit: COMPLETION_BODY_LIMIT_BYTES },
      async (request) => service.complete(request.params.id, request.body),
    );
  });
}

const CALLBACK_JSON_HINT =
  'Send {"events": [...]} (progress) or the final result/error event (completion) as JSON, Content-Type: application/json.';

/** The service's INVALID_JSON hint is about images; these routes take other bodies. */
function withJsonHint(error: unknown, hint: string): unknown {
  const mapped = toPlatformError(error);
  return mapped.code === 'INVALID_JSON'
    ? new PlatformError(400, 'INVALID_JSON', mapped.message, hint)
    : error;
}

function callbackTooLarge(url: string): PlatformError {
  const progress = url.split('?')[0]!.endsWith('/progress');
  const limit = progress ? '64 KiB' : '1 MiB';
  return new PlatformError(
    413,
    'BODY_TOO_LARGE',
    `The ${progress ? 'progress' : 'completion'} callback body is larger than ${limit}.`,
    progress
      ? 'Post the events in smaller batches.'
      : 'Send the result event and the artifacts facts only; the files themselves go to the artifacts URL.',
  );
}
