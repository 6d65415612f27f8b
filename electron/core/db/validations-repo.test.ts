import { beforeEach, describe, expect, it } from 'vitest';
import type { TrainerValidation } from '../../contract';
import { ExportJobsRepo } from './export-jobs-repo';
import { ModelsRepo } from './models-repo';
import { openDatabase, type Db } from './open';
import { newJob, newModel } from './test-rows';
import { ValidationsRepo } from './validations-repo';

let db: Db;
let jobs: ExportJobsRepo;
let validations: ValidationsRepo;
let exportId: string;

const summary = (partial: boolean): TrainerValidation => ({
  dataset: '/data/data.yaml',
  images: 6,
  task: 'detect',
  partial,
  rows: [
    {
      format: 'onnx',
      precision: 'fp32',
      model_file: 'model.onnx',
      images: partial ? 3 : 6,
      partial,
      figures: { box: { map50_95: 0.8, map50: 0.99 } },
      duration_ms: 1200,
      error: null,
    },
  ],
});

beforeEach(() => {
  db = openDatabase(':memory:');
  jobs = new ExportJobsRepo(db);
  validations = new ValidationsRepo(db);
  const modelId = newModel(new ModelsRepo(db));
  exportId = newJob(jobs, modelId).id;
});

describe('validation runs stored with their export', () => {
  it('keeps each run, newest first, in the contract’s names; a cancelled one is partial', () => {
    validations.add(exportId, '/data/data.yaml', summary(false));
    validations.add(exportId, '/data/data.yaml', summary(true));
    const [latest, first] = validations.list(exportId);
    expect(latest!.status).toBe('partial');
    expect(latest!.rows[0]).toEqual({
      format: 'onnx',
      precision: 'fp32',
      modelFile: 'model.onnx',
      images: 3,
      partial: true,
      figures: { box: { map50_95: 0.8, map50: 0.99 } },
      durationMs: 1200,
      error: null,
    });
    expect(first!.status).toBe('completed');
  });

  it('records a run that failed before any figure, with its reason', () => {
    const error = { code: 'DATASET_INVALID', message: 'labels/val/a.txt:2: …', hint: 'Fix it.' };
    expect(validations.add(exportId, '/data', error)).toMatchObject({ status: 'failed', error, rows: [] });
  });

  it('goes with its export', () => {
    validations.add(exportId, '/data/data.yaml', summary(false));
    jobs.delete(exportId);
    expect(validations.list(exportId)).toEqual([]);
  });
});
