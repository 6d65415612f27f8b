import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FormatResult } from '../../contract';
import { ExportJobsRepo } from './export-jobs-repo';
import { ModelsRepo } from './models-repo';
import { openDatabase, type Db } from './open';
import { newModel } from './test-rows';

let db: Db;
let jobs: ExportJobsRepo;
let modelId: string;

const create = (model = modelId, tag: string | null = null) =>
  jobs.create({
    id: randomUUID(),
    modelId: model,
    formats: ['onnx'],
    checkpointPath: '/x.pt',
    checkpointSha256: 'h',
    exportConfig: {},
    optimizationConfig: {},
    versionTag: tag,
    ownerPid: process.pid,
    ownerStarted: null,
  });

const result = (status: FormatResult['status']): FormatResult[] => [
  {
    format: 'onnx',
    status,
    path: '/out/model.onnx',
    bytes: 5,
    parity: null,
    latencyMs: null,
    durationMs: null,
    error: null,
    note: null,
  },
];

const finish = (id: string, status: 'completed' | 'partial' | 'failed' | 'cancelled') =>
  jobs.finish(id, { status, format_results: status === 'completed' ? result('passed') : [] });

const defaults = (model = modelId) =>
  jobs
    .list(model)
    .filter((j) => j.isDefault)
    .map((j) => j.version);

beforeEach(() => {
  db = openDatabase(':memory:');
  jobs = new ExportJobsRepo(db);
  modelId = newModel(new ModelsRepo(db));
});

describe('export job versions', () => {
  it('numbers versions per model, starting at 1', () => {
    const other = newModel(new ModelsRepo(db));
    const a = create();
    finish(a.id, 'completed');
    const b = create();
    finish(b.id, 'failed');
    const c = create(other);
    expect([a.version, b.version, c.version]).toEqual([1, 2, 1]);
  });

  it('never reuses a version number, even after the newest export is deleted', () => {
    const a = create();
    finish(a.id, 'completed');
    const b = create();
    finish(b.id, 'completed');
    jobs.delete(b.id);
    const c = create();
    expect(c.version).toBe(3);
  });

  it('refuses a second export of the same model while one is active, naming the running one', () => {
    const running = create();
    expect(() => create()).toThrow(
      expect.objectContaining({
        code: 'EXPORT_ALREADY_RUNNING',
        message: expect.stringContaining(running.id),
      }),
    );
    finish(running.id, 'completed');
    expect(create().version).toBe(2);
  });

  it('keeps the version tag', () => {
    const job = create(modelId, 'release-1');
    expect(jobs.get(job.id)?.versionTag).toBe('release-1');
  });
});

describe('the default export', () => {
  it('is the first completed export; later ones do not take over', () => {
    const a = create();
    finish(a.id, 'failed');
    expect(defaults()).toEqual([]);
    const b = create();
    finish(b.id, 'completed');
    const c = create();
    finish(c.id, 'completed');
    expect(defaults()).toEqual([2]);
  });

  it('goes to a completed export when the current default is only partial', () => {
    const a = create();
    finish(a.id, 'partial');
    expect(defaults()).toEqual([1]);
    const b = create();
    finish(b.id, 'completed');
    expect(defaults()).toEqual([2]);
  });

  it('switches transactionally: exactly one default after set-default', () => {
    const made = [1, 2, 3].map(() => {
      const j = create();
      finish(j.id, 'completed');
      return j.id;
    });
    jobs.setDefault(made[2]!);
    expect(defaults()).toEqual([3]);
    jobs.setDefault(made[0]!);
    expect(defaults()).toEqual([1]);
  });

  it('cannot be a failed or cancelled export', () => {
    const a = create();
    finish(a.id, 'failed');
    expect(() => jobs.setDefault(a.id)).toThrow(expect.objectContaining({ code: 'EXPORT_NOT_USABLE' }));
  });

  it('is enforced by the database: a second default for a model is rejected', () => {
    const a = create();
    finish(a.id, 'completed');
    const b = create();
    finish(b.id, 'completed');
    expect(() => db.prepare('UPDATE export_jobs SET is_default = 1 WHERE id = ?').run(b.id)).toThrow(
      /UNIQUE/,
    );
  });

  it('passes to the newest completed export when the default is deleted', () => {
    const made = ['completed', 'completed', 'partial', 'failed'].map((status) => {
      const j = create();
      finish(j.id, status as 'completed');
      return j.id;
    });
    expect(defaults()).toEqual([1]);
    expect(jobs.delete(made[0]!).promoted).toBe(made[1]);
    expect(defaults()).toEqual([2]);
    jobs.delete(made[1]!);
    expect(defaults()).toEqual([3]);
    jobs.delete(made[2]!);
    expect(defaults()).toEqual([]);
  });
});

describe('finishing a job', () => {
  it('keeps the first terminal status (a cancel from another process wins over a late result)', () => {
    const a = create();
    expect(jobs.finish(a.id, { status: 'cancelled' })).toBe(true);
    expect(jobs.finish(a.id, { status: 'completed' })).toBe(false);
    expect(jobs.get(a.id)?.status).toBe('cancelled');
    expect(jobs.get(a.id)?.finishedAt).not.toBeNull();
  });

  it('maps the row to the contract shape', () => {
    const a = create();
    jobs.finish(a.id, { status: 'completed', format_results: result('passed'), model_size_bytes: 5 });
    const job = jobs.get(a.id)!;
    expect(job).toMatchObject({
      modelId,
      version: 1,
      formats: ['onnx'],
      status: 'completed',
      isDefault: true,
    });
    expect(job.results[0]?.path).toBe('/out/model.onnx');
    expect(job.modelSizeBytes).toBe(5);
  });
});
