import path from 'node:path';
import { targetFieldProblem, type RemoteTarget, type TargetsAddRequest } from '../../contract';
import type { RemoteTargetsRepo } from '../db';
import { nowIso } from '../db/json';
import { AppError } from '../errors';
import { EDGEPACK_VERSION } from '../version';
import { loadKubeConfigLazily } from './kubeconfig';

export type { RemoteTarget } from '../../contract';

/** The image built from trainers/Dockerfile (trainers/Dockerfile.gpu for GPU targets) at this Edgepack version. */
export function defaultTrainerImage(gpu: boolean): string {
  return `edgepack-trainer:${EDGEPACK_VERSION}${gpu ? '-gpu' : ''}`;
}

/** Remote targets by name: checked when added (fields, kubeconfig, context), stored in SQLite. */
export class TargetsService {
  constructor(private readonly repo: RemoteTargetsRepo) {}

  list(): RemoteTarget[] {
    return this.repo.list();
  }

  /** The target of that name, or TARGET_NOT_FOUND listing the names there are. */
  get(name: string): RemoteTarget {
    const target = this.repo.get(name);
    if (target) return target;
    const names = this.repo.list().map((t) => t.name);
    throw new AppError(
      'TARGET_NOT_FOUND',
      `No remote target named "${name}"${names.length ? ` (there are: ${names.join(', ')})` : ' (none is set up)'}.`,
      'Add it with `edgepack targets add k8s <name> --context C --namespace N --bucket B` (or in Settings → Compute targets).',
    );
  }

  /**
   * Checks what can be checked without calling the cluster (the fields, the kubeconfig loads, the context is in it),
   * then stores the target. Whether the namespace and bucket allow what an export needs is found out when one runs.
   */
  async add(request: TargetsAddRequest): Promise<RemoteTarget> {
    const problem = targetFieldProblem(request);
    if (problem) throw new AppError(problem.code, problem.message, problem.hint);
    const name = request.name.trim();
    if (this.repo.get(name))
      throw new AppError(
        'TARGET_EXISTS',
        `A remote target named "${name}" exists already.`,
        `Pick another name, or remove the old one first (\`edgepack targets remove ${name}\`).`,
      );
    const kubeconfig = request.kubeconfig?.trim() ? path.resolve(request.kubeconfig.trim()) : null;
    const context = request.context.trim();
    const namespace = request.namespace.trim();
    await loadKubeConfigLazily({ context, namespace, kubeconfig });
    const gpu = request.gpu ?? false;
    const target: RemoteTarget = {
      name,
      kind: 'k8s',
      context,
      namespace,
      bucket: request.bucket.trim(),
      s3Endpoint: request.s3Endpoint?.trim() || null,
      s3Region: request.s3Region?.trim() || null,
      gpu,
      image: request.image?.trim() || defaultTrainerImage(gpu),
      kubeconfig,
      createdAt: nowIso(),
    };
    if (!this.repo.add(target))
      throw new AppError(
        'TARGET_EXISTS',
        `A remote target named "${name}" exists already.`,
        'Pick another name.',
      );
    return target;
  }

  remove(name: string): { removed: true; name: string } {
    this.get(name);
    this.repo.remove(name);
    return { removed: true, name };
  }
}
