/**
 * Packages built from exports (`packages:*`, `edgepack package`): a zip of a target (targets.ts) written into the data folder (or,
 * for a local host, into a folder the person chose), recorded in the `packages` table, listed per export and removed
 * with it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PackageBuilt, PackageProgress, PackageRecord, PackageTarget } from '../../contract';
import type { ModelsRepo, PackagesRepo } from '../db';
import { AppError, diskFull, isDiskFull } from '../errors';
import type { EventHub } from '../events';
import type { ExportsService } from '../exports/service';
import type { DataPaths } from '../paths';
import { EDGEPACK_VERSION } from '../version';
import type { BundlePlan } from './bundle-contents';
import { sameFile } from './same-file';
import { PACKAGE_TARGETS } from './targets';
import { writeZip, type EntryDigest, type ZipEntry } from './zip-writer';

export interface PackagesDeps {
  repo: PackagesRepo;
  exports: ExportsService;
  models: ModelsRepo;
  paths: DataPaths;
  events: EventHub;
  /** native-runtimes/ (in the repository; in the packaged app, under its resources). */
  runtimesDir: string;
}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR']);

/** What a failed write into the output folder means, said as the person can act on it. */
function outputFailure(error: unknown, dir: string): unknown {
  if (isDiskFull(error)) return diskFull(error, dir);
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (!UNWRITABLE.has(code)) return error;
  return new AppError(
    'OUTPUT_NOT_WRITABLE',
    `The package could not be written into ${dir} (${(error as Error).message}). Nothing was left there.`,
    'Choose a folder you can write to (--out DIR), e.g. one in your home folder.',
    { cause: error },
  );
}

function manifestEntry(
  plan: BundlePlan,
  subject: { exportId: string; version: number; modelName: string; target: PackageTarget },
) {
  return (digests: EntryDigest[]): ZipEntry => {
    const manifest = {
      manifest_version: '1.0.0',
      target: subject.target,
      edgepack_version: EDGEPACK_VERSION,
      export_id: subject.exportId,
      export_version: subject.version,
      model: subject.modelName,
      task: plan.metadata.task,
      metadata_schema_version: plan.metadata.schemaVersion,
      formats: plan.formats,
      runtimes: plan.runtimes.map((r) => ({ runtime: r.runtime, formats: r.formats, summary: r.summary })),
      files: digests,
    };
    const data = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    return { name: 'manifest.json', source: { data }, size: data.length };
  };
}

function safeName(text: string): string {
  return text.replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'model';
}

export class PackagesService {
  constructor(private readonly deps: PackagesDeps) {}

  /** Builds a package of a completed export into `outDir` (default: the data folder's packages/<model>/v<N>/). */
  async build(exportId: string, target: PackageTarget, outDir?: string): Promise<PackageBuilt> {
    const { exports, models, paths, events, repo } = this.deps;
    const job = exports.get(exportId);
    const modelName = models.get(job.modelId)?.name ?? job.modelId;
    const progress = (stage: PackageProgress['stage'], fraction: number) =>
      events.emit('packages:progress', { exportId: job.id, target, stage, fraction });
    progress('collecting', 0);
    const plan = await PACKAGE_TARGETS[target](
      { job, modelName, metadataPath: exports.metadataPath(job.id) },
      this.deps.runtimesDir,
    );
    const dir = path.resolve(outDir ?? paths.packagesOfExport(job.modelId, job.version));
    const file = path.join(dir, `${safeName(path.parse(modelName).name)}-v${job.version}-${target}.zip`);
    let reported = 0;
    const written = await (async () => {
      try {
        fs.mkdirSync(dir, { recursive: true });
        return await writeZip(file, plan.entries, {
          date: new Date(job.finishedAt ?? job.createdAt),
          last: manifestEntry(plan, { exportId: job.id, version: job.version, modelName, target }),
          onBytes: (done, total) => {
            const fraction = total ? done / total : 1;
            if (fraction - reported < 0.01) return;
            reported = fraction;
            progress('writing', fraction);
          },
        });
      } catch (error) {
        throw outputFailure(error, dir);
      }
    })();
    const record = repo.add({
      id: randomUUID(),
      exportId: job.id,
      target,
      path: file,
      sizeBytes: written.size,
      sha256: written.sha256,
      createdAt: new Date().toISOString(),
    });
    progress('done', 1);
    return {
      ...record,
      formats: plan.formats,
      runtimes: plan.runtimes.map((r) => r.runtime),
      entries: written.entries.length,
    };
  }

  list(exportId: string): PackageRecord[] {
    this.deps.exports.get(exportId);
    return this.deps.repo.listForExport(exportId);
  }

  reveal(id: string): { path: string } {
    const record = this.deps.repo.get(id);
    if (!record) {
      throw new AppError(
        'PACKAGE_NOT_FOUND',
        `No package with id ${id}.`,
        "The export's packages are listed on its detail (`packages:list`); build it again if it is gone.",
      );
    }
    if (!fs.existsSync(record.path)) {
      throw new AppError(
        'PACKAGE_FILE_MISSING',
        `The package ${record.path} is no longer there.`,
        'It was moved or deleted outside Edgepack; build the package again.',
      );
    }
    return { path: record.path };
  }

  /**
   * Removes the files of an export's packages, before the export's row goes (its rows go with it): those in the
   * data folder always, one written elsewhere only while it is still the file Edgepack wrote (same size and sha256),
   * so a file the person has since replaced is left alone.
   */
  removeFilesOf(exportId: string, modelId: string, version: number): void {
    for (const record of this.deps.repo.listForExport(exportId)) {
      if (sameFile(record.path, record.sizeBytes, record.sha256)) fs.rmSync(record.path, { force: true });
    }
    fs.rmSync(this.deps.paths.packagesOfExport(modelId, version), { recursive: true, force: true });
  }
}
