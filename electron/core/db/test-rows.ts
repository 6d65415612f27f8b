import { randomUUID } from 'node:crypto';
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
