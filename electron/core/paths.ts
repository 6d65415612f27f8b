import path from 'node:path';

/** The data folder's layout, in one place. */
export class DataPaths {
  constructor(readonly home: string) {}

  get database(): string {
    return path.join(this.home, 'edgepack.db');
  }
  modelDir(modelId: string): string {
    return path.join(this.home, 'models', modelId);
  }
  exportsOfModel(modelId: string): string {
    return path.join(this.home, 'exports', modelId);
  }
  exportDir(modelId: string, version: number): string {
    return path.join(this.exportsOfModel(modelId), `v${version}`);
  }
  /** Where a running export writes; moved to exportDir only once complete. */
  staging(jobId: string): string {
    return path.join(this.home, 'exports', '.staging', jobId);
  }
  get stagingRoot(): string {
    return path.join(this.home, 'exports', '.staging');
  }
  /** Where packages of a model's exports are built unless the person chose a folder. */
  packagesOfModel(modelId: string): string {
    return path.join(this.home, 'packages', modelId);
  }
  packagesOfExport(modelId: string, version: number): string {
    return path.join(this.packagesOfModel(modelId), `v${version}`);
  }
  /** Scratch folders for short trainer runs (inspect). */
  scratch(name: string): string {
    return path.join(this.home, 'tmp', name);
  }
  /** Ultralytics' YOLO_CONFIG_DIR: its settings file and font live here, not in the home folder. */
  get ultralyticsConfig(): string {
    return path.join(this.home, 'ultralytics');
  }
}
