import { randomUUID } from 'node:crypto';
import type { ExportJobRow, ExportJobsRepo } from './export-jobs-repo';
import type { ModelsRepo } from './models-repo';

/** For repository tests: a stored Ultralytics model row (a job needs one). Returns its id. */
export const newModel = (models: ModelsRepo): string =>
  models.insert({
    id: randomUUID(),
    name: 'yolo',
    sourcePath: '/src/yolo.pt',
    storedPath: '/home/models/yolo.pt',
    framework: 'ultralytics',
    task: 'detect',
    classNames: ['cat'],
    imgsz: [64, 64],
    sha256: randomUUID(),
    sizeBytes: 10,
    details: {},
  }).id;

/** For repository tests: a stored export job of `modelId` in these formats, owned by this process. */
export const newJob = (jobs: ExportJobsRepo, modelId: string, formats: string[] = ['onnx']): ExportJobRow =>
  jobs.create({
    id: randomUUID(),
    modelId,
    formats,
    checkpointPath: '/x.pt',
    checkpointSha256: 'h',
    exportConfig: {},
    optimizationConfig: {},
    versionTag: null,
    ownerPid: process.pid,
    ownerStarted: null,
  });
