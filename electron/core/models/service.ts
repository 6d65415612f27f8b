import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelAdded, ModelRecord } from '../../contract';
import type { ExportJobsRepo, ModelsRepo } from '../db';
import { AppError } from '../errors';
import type { DataPaths } from '../paths';
import { inspectScratch } from '../scratch';
import type { Toolchain } from '../toolchain';
import { sha256File } from './hash-file';
import { inspectCheckpoint } from './inspect-checkpoint';
import type { InspectedModel } from './inspected';
import { inspectOnnx } from './onnx-metadata';
import { sniffModelFile } from './sniff';

export interface ModelsDeps {
  models: ModelsRepo;
  jobs: ExportJobsRepo;
  paths: DataPaths;
  toolchain: Toolchain;
  /** Runs before a model's row (and with it its exports' rows) is removed: its exports' packages go then. */
  beforeRemove?: (modelId: string) => void;
}

/** Models dropped on the app: checked, described, copied into the data folder, recorded. */
export class ModelsService {
  constructor(private readonly deps: ModelsDeps) {}

  /** The stored model; the same file added again (same SHA-256, its copy still kept) answers the one already there. */
  async add(request: { path: string; trustUnsafe?: boolean | undefined }): Promise<ModelAdded> {
    const source = path.resolve(request.path);
    const kind = sniffModelFile(source);
    const sha256 = await sha256File(source);
    const known = this.deps.models.findBySha256(sha256);
    if (known && fs.existsSync(known.storedPath)) return { ...known, alreadyAdded: true };

    const id = randomUUID();
    const inspected: InspectedModel =
      kind === 'onnx'
        ? await inspectOnnx(source)
        : await inspectCheckpoint(this.deps.toolchain, source, {
            trustUnsafe: request.trustUnsafe ?? false,
            workDir: inspectScratch(this.deps.paths, id),
          });
    const storedPath = this.store(id, source);
    try {
      const model = this.deps.models.insert({
        id,
        name: path.basename(source).replace(/\.(pt|pth|onnx)$/i, ''),
        sourcePath: source,
        storedPath,
        framework: inspected.framework,
        task: inspected.task,
        classNames: inspected.classNames,
        imgsz: inspected.imgsz,
        sha256,
        sizeBytes: fs.statSync(storedPath).size,
        details: inspected.details,
      });
      return { ...model, alreadyAdded: false };
    } catch (error) {
      fs.rmSync(this.deps.paths.modelDir(id), { recursive: true, force: true });
      throw error;
    }
  }

  list(): ModelRecord[] {
    return this.deps.models.list();
  }

  get(id: string): ModelRecord {
    const model = this.deps.models.get(id);
    if (!model) throw modelNotFound(id);
    return model;
  }

  /** Removes the model, its exports and their files; refused while one of its exports runs. */
  remove(id: string): { removed: true } {
    const model = this.get(id);
    const running = this.deps.jobs.activeRows().find((row) => row.model_id === id);
    if (running) {
      throw new AppError(
        'MODEL_BUSY',
        `${model.name} has an export running (v${running.version}); it cannot be removed now.`,
        'Cancel the export or wait for it to finish, then remove the model.',
      );
    }
    this.deps.beforeRemove?.(id);
    this.deps.models.remove(id);
    fs.rmSync(this.deps.paths.exportsOfModel(id), { recursive: true, force: true });
    fs.rmSync(this.deps.paths.modelDir(id), { recursive: true, force: true });
    return { removed: true };
  }

  /** Copies the file into the data folder (via a temporary name, so a half copy is never taken for a model). */
  private store(id: string, source: string): string {
    const dir = this.deps.paths.modelDir(id);
    fs.mkdirSync(dir, { recursive: true });
    const target = path.join(dir, path.basename(source));
    const partial = `${target}.partial`;
    try {
      fs.copyFileSync(source, partial);
      fs.renameSync(partial, target);
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new AppError(
        'MODEL_COPY_FAILED',
        `Could not copy ${source} into the data folder: ${(error as Error).message}`,
        'Check the free disk space and that the data folder is writable.',
        { cause: error },
      );
    }
    return target;
  }
}

export function modelNotFound(id: string): AppError {
  return new AppError(
    'MODEL_NOT_FOUND',
    `No model with id ${id}.`,
    'List the models (`npx edgepack models list`) to see their ids, or add the file first.',
  );
}
