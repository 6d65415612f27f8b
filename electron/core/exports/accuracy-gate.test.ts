import { beforeEach, describe, expect, it } from 'vitest';
import type { ExportJob, TrainerValidation } from '../../contract';
import {
  AccuracyGateRepo,
  ExportJobsRepo,
  ModelsRepo,
  openDatabase,
  toExportJob,
  ValidationsRepo,
  type Db,
} from '../db';
import { newJob, newModel } from '../db/test-rows';
import { toAppError } from '../errors';
import { AccuracyGateService } from './accuracy-gate';

let db: Db;
let gate: AccuracyGateService;
let validations: ValidationsRepo;
let job: ExportJob;

const row = (format: string, precision: string, map: number) => ({
  format,
  precision,
  model_file: format === 'pytorch' ? 'detect.pt' : `model.${format}`,
  images: 6,
  partial: false,
  figures: { box: { map50_95: map, map50: 0.99 } },
  duration_ms: 100,
  error: null,
});

/** The original at 0.800, ONNX 0.5 points lower, TFLite INT8 6.2 points lower. */
const run: TrainerValidation = {
  dataset: '/data/data.yaml',
  images: 6,
  task: 'detect',
  partial: false,
  rows: [row('pytorch', 'fp32', 0.8), row('onnx', 'fp32', 0.795), row('tflite', 'int8', 0.738)],
};

beforeEach(() => {
  db = openDatabase(':memory:');
  const jobs = new ExportJobsRepo(db);
  validations = new ValidationsRepo(db);
  gate = new AccuracyGateService({ repo: new AccuracyGateRepo(db), validations });
  job = toExportJob(newJob(jobs, newModel(new ModelsRepo(db)), ['onnx', 'tflite']));
  validations.add(job.id, '/data/data.yaml', run);
});

const refusal = (formats: string[], action: 'package' | 'deploy') => {
  try {
    gate.assertShippable(job, formats, action);
    return null;
  } catch (error) {
    return toAppError(error);
  }
};

describe('the accuracy threshold', () => {
  it('fails nothing until a threshold is set, and is kept in the database', () => {
    expect(gate.gate(job.id).failures).toEqual([]);
    expect(refusal(['onnx', 'tflite'], 'package')).toBeNull();
    gate.setThreshold(2);
    expect(new AccuracyGateRepo(db).maxDropPoints()).toBe(2);
    expect(gate.gate(job.id).failures).toEqual([
      { format: 'tflite', precision: 'int8', dropPoints: 6.2, override: null },
    ]);
  });

  it('fails a drop strictly over the threshold, judged as the table shows it (0.1 point)', () => {
    gate.setThreshold(6.2);
    expect(gate.gate(job.id).failures).toEqual([]);
    gate.setThreshold(0.4);
    expect(gate.gate(job.id).failures.map((f) => [f.format, f.dropPoints])).toEqual([
      ['onnx', 0.5],
      ['tflite', 6.2],
    ]);
  });

  it('refuses to package or deploy a failed format, naming the drop, the threshold and the override', () => {
    gate.setThreshold(2);
    const error = refusal(['onnx', 'tflite'], 'package');
    expect(error?.code).toBe('ACCURACY_BELOW_THRESHOLD');
    expect(error?.message).toContain('tflite (int8) is 6.2 points below the PyTorch original');
    expect(error?.message).toContain('more than the 2 points the threshold allows');
    expect(error?.hint).toContain(`edgepack package ${job.id} --override-accuracy`);
    expect(refusal(['tflite'], 'deploy')?.hint).toContain(`edgepack deploy ${job.id} --override-accuracy`);
    expect(refusal(['onnx'], 'deploy')).toBeNull();
  });

  it('lets an overridden format through and records the override against the run', () => {
    gate.setThreshold(2);
    gate.assertShippable(job, ['onnx', 'tflite'], 'package', 'cli');
    expect(refusal(['tflite'], 'deploy')).toBeNull();
    const [failure] = gate.gate(job.id).failures;
    expect(failure?.override?.via).toBe('cli');
    const recorded = db
      .prepare('SELECT format, drop_points, max_drop_points, via FROM accuracy_overrides')
      .all();
    expect(recorded).toEqual([{ format: 'tflite', drop_points: 6.2, max_drop_points: 2, via: 'cli' }]);
  });

  it('judges a new run afresh: an override holds for the run it was made against', () => {
    gate.setThreshold(2);
    gate.override(job.id, 'tflite', 'app');
    expect(refusal(['tflite'], 'package')).toBeNull();
    validations.add(job.id, '/data/data.yaml', run);
    expect(refusal(['tflite'], 'package')?.code).toBe('ACCURACY_BELOW_THRESHOLD');
  });

  it('refuses to override a format that did not fail', () => {
    gate.setThreshold(2);
    const error = (() => {
      try {
        gate.override(job.id, 'onnx', 'app');
      } catch (e) {
        return toAppError(e);
      }
    })();
    expect(error?.code).toBe('ACCURACY_NOT_FAILED');
    expect(error?.message).toContain('(tflite has)');
  });

  it('clears the threshold with null', () => {
    gate.setThreshold(2);
    expect(gate.setThreshold(null)).toEqual({ maxDropPoints: null });
    expect(gate.gate(job.id).failures).toEqual([]);
  });
});
