import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deployment } from '../../store/types';
import { PlatformError } from '../errors';
import type { ModelPackage } from '../packages';
import { validateModelPackage } from '../packages';
import type { Platform } from '../platform';
import { deploymentView, historyView, versionView } from '../views';
import { requireAccount } from './account-auth';

type IdParams = { Params: { id: string } };

/** The management API (`/api/v1/deployments…`), authenticated with an account token. */
export function registerDeploymentRoutes(app: FastifyInstance, platform: Platform): void {
  const service = platform.deployments;

  app.register(async (scope) => {
    const account = requireAccount(scope, platform);

    scope.post('/api/v1/deployments', async (request, reply) => {
      const upload = await readPackage(request, platform);
      const created = await service.create(account(request), {
        name: upload.name,
        replicas: upload.replicas,
        model: upload.model,
        metadataText: upload.metadataText,
      });
      reply.code(201);
      return created_(created.deployment, created.apiKey);
    });

    scope.get('/api/v1/deployments', async (request) => ({
      deployments: (await service.list(account(request))).map(deploymentView),
    }));

    scope.get<IdParams>('/api/v1/deployments/:id', async (request) => {
      const { deployment, versions, history } = await service.detail(account(request), request.params.id);
      return {
        deployment: deploymentView(deployment),
        versions: versions.map(versionView),
        history: history.map(historyView),
      };
    });

    scope.get<IdParams>('/api/v1/deployments/:id/history', async (request) => {
      const { history } = await service.detail(account(request), request.params.id);
      return { history: history.map(historyView) };
    });

    scope.post<IdParams>('/api/v1/deployments/:id/versions', async (request) => {
      const upload = await readPackage(request, platform);
      const deployment = await service.update(
        account(request),
        request.params.id,
        upload.model,
        upload.metadataText,
      );
      return { deployment: deploymentView(deployment) };
    });

    scope.patch<IdParams & { Body: { replicas?: unknown } }>('/api/v1/deployments/:id', async (request) => {
      const replicas = (request.body as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number') {
        throw new PlatformError(
          400,
          'INVALID_REQUEST',
          'Send the new replica count as {"replicas": N}.',
          'replicas is a whole number from 1 to 16.',
        );
      }
      return {
        deployment: deploymentView(await service.scale(account(request), request.params.id, replicas)),
      };
    });

    scope.post<IdParams>('/api/v1/deployments/:id/deactivate', async (request) => ({
      deployment: deploymentView(await service.deactivate(account(request), request.params.id)),
    }));

    scope.post<IdParams>('/api/v1/deployments/:id/reactivate', async (request) => ({
      deployment: deploymentView(await service.reactivate(account(request), request.params.id)),
    }));

    scope.post<IdParams>('/api/v1/deployments/:id/regenerate-key', async (request) => {
      const { deployment, apiKey } = await service.regenerateKey(account(request), request.params.id);
      return created_(deployment, apiKey);
    });

    scope.delete<IdParams>('/api/v1/deployments/:id', async (request, reply: FastifyReply) => {
      await service.remove(account(request), request.params.id);
      reply.code(200);
      return { deleted: true, id: request.params.id };
    });

    scope.get<IdParams & { Querystring: { expires_in?: string } }>(
      '/api/v1/deployments/:id/download',
      async (request) => {
        const expiresIn = Number(request.query.expires_in ?? 3600);
        if (!Number.isInteger(expiresIn) || expiresIn < 60 || expiresIn > 7 * 24 * 3600) {
          throw new PlatformError(
            400,
            'INVALID_REQUEST',
            'expires_in must be whole seconds from 60 to 604800.',
            'e.g. ?expires_in=3600',
          );
        }
        return service.downloads(account(request), request.params.id, expiresIn);
      },
    );
  });
}

/** The response that carries a key: shown once, never stored in clear. */
function created_(deployment: Deployment, apiKey: string) {
  return {
    deployment: deploymentView(deployment),
    api_key: apiKey,
    api_key_notice: 'Store this key now: it is shown only once. Regenerate it if it is lost.',
    endpoint_url: deployment.endpointUrl,
    curl: `curl -X POST "${deployment.endpointUrl}?confidence_threshold=0.5" -H "Authorization: Bearer ${apiKey}" -H "Content-Type: image/jpeg" --data-binary @photo.jpg`,
    curl_json: `(printf '{"image":"'; base64 -w0 photo.jpg; printf '","confidence_threshold":0.5}') | curl -X POST ${deployment.endpointUrl} -H "Authorization: Bearer ${apiKey}" -H "Content-Type: application/json" --data-binary @-`,
  };
}

interface UploadedPackage {
  model: ModelPackage;
  metadataText: string | null;
  name?: string;
  replicas?: number;
}

/** A multipart upload (files "model" and "metadata"; fields "name", "replicas") or JSON naming a stored package. */
async function readPackage(request: FastifyRequest, platform: Platform): Promise<UploadedPackage> {
  if (request.isMultipart()) {
    let onnx: Buffer | null = null;
    let metadataText: string | null = null;
    const fields: Record<string, string> = {};
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (part.fieldname === 'model') onnx = bytes;
        else if (part.fieldname === 'metadata') metadataText = bytes.toString('utf8');
        else throw unknownField(part.fieldname);
      } else if (part.fieldname === 'metadata') metadataText = String(part.value);
      else if (part.fieldname === 'name' || part.fieldname === 'replicas')
        fields[part.fieldname] = String(part.value);
      else throw unknownField(part.fieldname);
    }
    if (!onnx) {
      throw new PlatformError(
        400,
        'MODEL_MISSING',
        'The upload has no "model" file.',
        'Attach model.onnx as the form field "model" (and metadata.json as "metadata").',
      );
    }
    return {
      model: validateModelPackage(onnx, metadataText),
      metadataText,
      name: fields.name,
      replicas: fields.replicas === undefined ? undefined : Number(fields.replicas),
    };
  }
  const body = (request.body ?? {}) as { package_key?: unknown; name?: unknown; replicas?: unknown };
  if (typeof body.package_key !== 'string') {
    throw new PlatformError(
      400,
      'MODEL_MISSING',
      'Send the export package: multipart/form-data with files "model" and "metadata", or JSON {"package_key": "<storage key>"}.',
      `Packages named by key are read from ${platform.objects.describe()}.`,
    );
  }
  const stored = await platform.deployments.readStoredPackage(body.package_key);
  return {
    ...stored,
    name: typeof body.name === 'string' ? body.name : undefined,
    replicas: typeof body.replicas === 'number' ? body.replicas : undefined,
  };
}

function unknownField(name: string): PlatformError {
  return new PlatformError(
    400,
    'INVALID_REQUEST',
    `Unknown upload field "${name}".`,
    'Use the fields model, metadata, name and replicas.',
  );
}
