/**
 * Packages built from exports (`packages:*`, `edgepack package`): a zip per target (PACKAGE_TARGETS: bundle, iOS,
 * Android, …) written into the data folder (or, for a local host, into a folder the person chose), recorded in the
 * `packages` table, listed per export (a file moved away shows as missing), deleted one by one or with the export.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type {
  ExportJob,
  OverrideVia,
  PackageBuilt,
  PackageListed,
  PackageProgress,
  PackageRecord,
  PackageTarget,
  PackageTargetInfo,
} from '../../contract';
import type { ModelsRepo, PackagesRepo } from '../db';
import { AppError, diskFull, isDiskFull } from '../errors';
import type { EventHub } from '../events';
import type { AccuracyGateService } from '../exports/accuracy-gate';
import type { ExportsService } from '../exports/service';
import type { DataPaths } from '../paths';
import { EDGEPACK_VERSION } from '../version';
import type { BundlePlan } from './bundle-contents';
import { isCurrentBundle } from './current-bundle';
import { sameFile } from './same-file';
import { PACKAGE_TARGETS, targetInfos } from './targets';
import { writeZip, type EntryDigest, type ZipEntry } from './zip-writer';

export interface PackagesDeps {
  repo: PackagesRepo;
  exports: ExportsService;
  models: ModelsRepo;
  paths: DataPaths;
  events: EventHub;
  /** native-runtimes/ (in the repository; in the packaged app, under its resources). */
  runtimesDir: string;
  accuracyGate: AccuracyGateService;
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

interface ManifestSubject {
  target: PackageTarget;
  exportId: string;
  version: number;
  modelName: string;
}

function manifestEntry(plan: BundlePlan, subject: ManifestSubject) {
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

const listed = (record: PackageRecord): PackageListed => ({
  ...record,
  missing: !fs.existsSync(record.path),
});

function safeName(text: string): string {
  return text.replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'model';
}

function exportGone(job: { id: string; version: number }, target: PackageTarget): AppError {
  return new AppError(
    'EXPORT_DELETED',
    `Export v${job.version} (${job.id}) was deleted while its ${target} package was being built; the package was not kept.`,
    'Nothing to do unless you still want it: export the model again and build the package from the new export.',
  );
}

export class PackagesService {
  /** The builds running in this process, by export and target. */
  private readonly building = new Set<string>();

  constructor(private readonly deps: PackagesDeps) {}

  targets(): PackageTargetInfo[] {
    return targetInfos();
  }

  /** Builds a package of a completed export into `outDir` (default: the data folder's packages/<model>/v<N>/). */
  async build(
    exportId: string,
    target: PackageTarget,
    outDir?: string,
    overrideAccuracy?: OverrideVia,
  ): Promise<PackageBuilt> {
    const job = this.deps.exports.get(exportId);
    const key = `${job.id}/${target}`;
    if (this.building.has(key)) {
      throw new AppError(
        'PACKAGE_BUILDING',
        `The ${target} package of export v${job.version} (${job.id}) is already being built.`,
        'Wait for that build to finish (its progress shows on the export); it gives the same package.',
      );
    }
    this.building.add(key);
    try {
      return await this.buildOnce(job.id, target, outDir, overrideAccuracy);
    } finally {
      this.building.delete(key);
    }
  }

  private async buildOnce(
    exportId: string,
    target: PackageTarget,
    outDir?: string,
    overrideAccuracy?: OverrideVia,
  ): Promise<PackageBuilt> {
    const { exports, models, paths } = this.deps;
    const job = exports.get(exportId);
    const modelName = models.get(job.modelId)?.name ?? job.modelId;
    const dir = path.resolve(outDir ?? paths.packagesOfExport(job.modelId, job.version));
    const file = path.join(dir, `${safeName(path.parse(modelName).name)}-v${job.version}-${target}.zip`);
    const stillThere = () => {
      try {
        exports.get(job.id);
        return true;
      } catch {
        return false;
      }
    };
    try {
      const built = await this.write(job, modelName, target, dir, file, overrideAccuracy);
      if (!stillThere()) throw exportGone(job, target);
      return built;
    } catch (error) {
      // The export went while its files were being read or the zip written: whatever failed, that is why.
      if (stillThere()) throw error;
      fs.rmSync(file, { force: true });
      throw exportGone(job, target);
    }
  }

  private async write(
    job: ExportJob,
    modelName: string,
    target: PackageTarget,
    dir: string,
    file: string,
    overrideAccuracy?: OverrideVia,
  ): Promise<PackageBuilt> {
    const { exports, events, repo } = this.deps;
    const progress = (stage: PackageProgress['stage'], fraction: number) =>
      events.emit('packages:progress', { exportId: job.id, target, stage, fraction });
    progress('collecting', 0);
    const plan = await PACKAGE_TARGETS[target].plan(
      { job, modelName, metadataPath: exports.metadataPath(job.id) },
      this.deps.runtimesDir,
    );
    this.deps.accuracyGate.assertShippable(job, plan.formats, 'package', overrideAccuracy);
    let reported = 0;
    const written = await (async () => {
      try {
        fs.mkdirSync(dir, { recursive: true });
        return await writeZip(file, plan.entries, {
          date: new Date(job.finishedAt ?? job.createdAt),
          last: manifestEntry(plan, { target, exportId: job.id, version: job.version, modelName }),
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

  /**
   * The export's bundle for shipping elsewhere (a deployment uploads it): the newest bundle package that is still
   * current (same file, this Edgepack's wrappers, this ONNX model inside), else a new build.
   */
  async currentBundle(
    exportId: string,
    modelSha256: string,
    overrideAccuracy?: OverrideVia,
  ): Promise<{ record: PackageRecord; reused: boolean }> {
    const existing = this.deps.repo
      .listForExport(exportId)
      .find((record) => isCurrentBundle(record, modelSha256));
    if (existing) return { record: existing, reused: true };
    const built = await this.build(exportId, 'bundle', undefined, overrideAccuracy);
    return { record: this.record(built.id), reused: false };
  }

  /** An export's packages, newest first; `missing` when the file is no longer where it was written. */
  list(exportId: string): PackageListed[] {
    this.deps.exports.get(exportId);
    return this.deps.repo.listForExport(exportId).map(listed);
  }

  /** Every package of every export, newest first. */
  listAll(): PackageListed[] {
    return this.deps.repo.listAll().map(listed);
  }

  /** Forgets a package and removes its file, if it is still the file Edgepack wrote. */
  delete(id: string): { deleted: true; path: string } {
    const record = this.record(id);
    if (sameFile(record.path, record.sizeBytes, record.sha256)) fs.rmSync(record.path, { force: true });
    this.deps.repo.delete(id);
    return { deleted: true, path: record.path };
  }

  private record(id: string) {
    const record = this.deps.repo.get(id);
    if (!record) {
      throw new AppError(
        'PACKAGE_NOT_FOUND',
        `No package with id ${id}.`,
        'List the packages (`edgepack packages list`, or the export\'s "Packages" section) and use one of their ids.',
      );
    }
    return record;
  }

  reveal(id: string): { path: string } {
    const record = this.record(id);
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
