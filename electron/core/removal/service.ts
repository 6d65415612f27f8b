import type {
  EndpointAtStake,
  EndpointChoice,
  ExportJob,
  ModelRecord,
  RemovalOutcome,
  RemovalPlan,
} from '../../contract';
import { ACTIVE_STATUSES } from '../db';
import type { DeploymentsRepo } from '../db';
import type { DeployService } from '../deploy/service';
import { AppError } from '../errors';
import type { ExportsService } from '../exports/service';
import type { ModelsService } from '../models/service';
import type { DataPaths } from '../paths';
import { formatBytes } from '../toolchain/protocol';
import { diskUsage } from './disk-usage';

interface Deps {
  paths: DataPaths;
  models: ModelsService;
  exports: ExportsService;
  deployments: DeploymentsRepo;
  deploy: DeployService;
}

/**
 * Removing a model or deleting an export: what it takes away (asked first, so the person is told), and the removal
 * itself, which never leaves an endpoint on the platform that the app no longer shows: it refuses, or deactivates
 * or deletes those endpoints first, as the person chose.
 */
export class RemovalService {
  constructor(private readonly deps: Deps) {}

  planModel(id: string): RemovalPlan {
    const model = this.deps.models.get(id);
    const jobs = this.deps.exports.list(model.id);
    const usage = diskUsage([this.deps.paths.modelDir(model.id), this.deps.paths.exportsOfModel(model.id)]);
    return this.plan(`model ${model.name}`, jobs, usage);
  }

  planExport(id: string): RemovalPlan {
    const job = this.deps.exports.get(id);
    const model = this.deps.models.get(job.modelId);
    const usage = diskUsage([job.outputDir ?? this.deps.paths.exportDir(job.modelId, job.version)]);
    return this.plan(`export v${job.version} of ${model.name}`, [job], usage);
  }

  async removeModel(id: string, choice: EndpointChoice): Promise<{ removed: true } & RemovalOutcome> {
    const model: ModelRecord = this.deps.models.get(id);
    const plan = this.planModel(model.id);
    this.refuseWhileRunning(plan);
    const endpoints = await this.settleEndpoints(plan, choice);
    this.deps.models.remove(model.id);
    return { removed: true, endpoints };
  }

  async deleteExport(id: string, choice: EndpointChoice): Promise<{ deleted: true } & RemovalOutcome> {
    const plan = this.planExport(id);
    this.refuseWhileRunning(plan);
    const endpoints = await this.settleEndpoints(plan, choice);
    this.deps.exports.delete(plan.exports[0]!.id);
    return { deleted: true, endpoints };
  }

  private plan(subject: string, jobs: ExportJob[], usage: { files: number; bytes: number }): RemovalPlan {
    const versions = new Map(jobs.map((j) => [j.id, j.version]));
    const endpoints: EndpointAtStake[] = jobs.flatMap((job) =>
      this.deps.deployments
        .list(job.id)
        .filter((t) => t.status !== 'deleted')
        .map((t) => ({
          id: t.id,
          name: typeof t.config['name'] === 'string' ? t.config['name'] : t.id,
          status: t.status,
          exportVersion: versions.get(job.id)!,
          endpointUrl: t.endpointUrl,
        })),
    );
    const running = jobs.find((j) => ACTIVE_STATUSES.includes(j.status))?.version ?? null;
    return {
      subject,
      exports: jobs.map((j) => ({ id: j.id, version: j.version })),
      ...usage,
      endpoints,
      running,
      summary: `${plural(jobs.length, 'export')} and ${plural(usage.files, 'file')} (${formatBytes(usage.bytes)})`,
    };
  }

  private refuseWhileRunning(plan: RemovalPlan): void {
    if (plan.running === null) return;
    throw new AppError(
      'EXPORT_RUNNING',
      `Export v${plan.running} is still running; ${plan.subject} cannot be removed now.`,
      'Cancel the export or wait for it to finish, then remove it.',
    );
  }

  /** Refuses while endpoints exist, or deactivates / deletes them on the platform first (a failure stops here). */
  private async settleEndpoints(
    plan: RemovalPlan,
    choice: EndpointChoice,
  ): Promise<RemovalOutcome['endpoints']> {
    if (plan.endpoints.length === 0) return [];
    if (choice === 'refuse') {
      const names = plan.endpoints.map((e) => `${e.name} (${e.status}, from v${e.exportVersion})`).join(', ');
      throw new AppError(
        'ENDPOINTS_ON_PLATFORM',
        `${capitalize(plan.subject)} has ${plural(plan.endpoints.length, 'endpoint')} on the platform: ${names}. ` +
          'Removing it now would leave them there with nothing in Edgepack to manage them.',
        'Choose to deactivate or delete them on the platform first (the command line: --endpoints deactivate or ' +
          '--endpoints delete), or deal with them in the Deploy section, then remove it.',
      );
    }
    const settled: RemovalOutcome['endpoints'] = [];
    for (const endpoint of plan.endpoints) {
      const done =
        choice === 'delete'
          ? await this.deps.deploy.delete(endpoint.id)
          : endpoint.status === 'inactive'
            ? null
            : await this.deps.deploy.deactivate(endpoint.id);
      if (done) settled.push({ id: done.id, name: done.name, status: done.status });
    }
    return settled;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
