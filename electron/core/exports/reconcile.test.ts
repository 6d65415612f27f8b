import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportJobsRepo, ModelsRepo, openDatabase, type Db } from '../db';
import { DataPaths } from '../paths';
import { isProcessAlive } from '../toolchain/processes';
import { reconcileJobs } from './reconcile';

let home: string;
let db: Db;
let jobs: ExportJobsRepo;
let paths: DataPaths;
let modelId: string;
const started: number[] = [];

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-reconcile-'));
  paths = new DataPaths(home);
  db = openDatabase(paths.database);
  jobs = new ExportJobsRepo(db);
  modelId = new ModelsRepo(db).insert({
    id: randomUUID(),
    name: 'm',
    sourcePath: '/m.pt',
    storedPath: '/m.pt',
    framework: 'ultralytics',
    task: 'detect',
    classNames: [],
    imgsz: [],
    sha256: 'h',
    sizeBytes: 1,
    details: {},
  }).id;
});

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  db.close();
  fs.rmSync(home, { recursive: true, force: true });
});

/** A pid that surely belonged to a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

/** A long-lived process in its own group, standing in for a trainer (its environment names the job). */
function sleeper(jobId: string): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, EXPORT_JOB_ID: jobId },
  });
  child.unref();
  started.push(child.pid!);
  return child.pid!;
}

function runningJob(ownerPid: number, trainerPid: number | null, remoteTarget: string | null = null): string {
  const row = jobs.create({
    id: randomUUID(),
    modelId,
    formats: ['onnx'],
    checkpointPath: '/m.pt',
    checkpointSha256: 'h',
    exportConfig: {},
    optimizationConfig: {},
    versionTag: null,
    ownerPid,
    ownerStarted: null,
    remoteTarget,
  });
  jobs.update(row.id, { status: 'running', pid: trainerPid, pgid: trainerPid, log: 'started' });
  fs.mkdirSync(paths.staging(row.id), { recursive: true });
  fs.writeFileSync(path.join(paths.staging(row.id), 'model.onnx'), 'half');
  return row.id;
}

const waitGone = async (pid: number) => {
  const end = Date.now() + 5000;
  while (isProcessAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return !isProcessAlive(pid);
};

describe('reconciling jobs left running', () => {
  it('stops the orphaned trainer of a dead owner, fails the job with the reason and removes its staging', async () => {
    const id = runningJob(deadPid(), null);
    const trainer = sleeper(id);
    jobs.update(id, { pid: trainer, pgid: trainer });

    expect(await reconcileJobs({ jobs, paths, ownRuns: new Set() })).toEqual([id]);
    expect(await waitGone(trainer)).toBe(true);
    const job = jobs.get(id)!;
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({
      code: 'EXPORT_INTERRUPTED',
      message: expect.stringMatching(/app or CLI stopped/),
    });
    expect(jobs.getRow(id)?.log).toMatch(/started\nEdgepack stopped the export process/);
    expect(fs.existsSync(paths.staging(id))).toBe(false);
  });

  it('fails a job whose owner and trainer are both gone', async () => {
    const jobId = runningJob(deadPid(), deadPid());
    await reconcileJobs({ jobs, paths, ownRuns: new Set() });
    expect(jobs.get(jobId)?.status).toBe('failed');
  });

  it('leaves alone a job whose owner is still alive (another app or CLI is running it)', async () => {
    const owner = sleeper('not-a-job');
    const jobId = runningJob(owner, null);
    expect(await reconcileJobs({ jobs, paths, ownRuns: new Set() })).toEqual([]);
    expect(jobs.get(jobId)?.status).toBe('running');
    expect(fs.existsSync(paths.staging(jobId))).toBe(true);
  });

  it('never kills a process that only reuses the recorded pid (its environment names another job)', async () => {
    const stranger = sleeper('some-other-job');
    const jobId = runningJob(deadPid(), stranger);
    await reconcileJobs({ jobs, paths, ownRuns: new Set() });
    expect(jobs.get(jobId)?.status).toBe('failed');
    expect(isProcessAlive(stranger)).toBe(true);
  });

  it('removes staging folders that belong to no active job', async () => {
    fs.mkdirSync(path.join(paths.stagingRoot, 'leftover'), { recursive: true });
    await reconcileJobs({ jobs, paths, ownRuns: new Set() });
    expect(fs.existsSync(path.join(paths.stagingRoot, 'leftover'))).toBe(false);
  });

  it('a remote job of a dead owner: its Job and objects are removed through its target, the job fails saying so', async () => {
    const id = runningJob(deadPid(), null, 'lab');
    const abandoned: string[] = [];
    const remote = {
      prepare: () => Promise.reject(new Error('not here')),
      abandon: async (target: string, jobId: string) => void abandoned.push(`${target} ${jobId}`),
    };
    expect(await reconcileJobs({ jobs, paths, ownRuns: new Set(), remote })).toEqual([id]);
    expect(abandoned).toEqual([`lab ${id}`]);
    expect(jobs.get(id)).toMatchObject({
      status: 'failed',
      runOn: 'lab',
      error: {
        code: 'EXPORT_INTERRUPTED',
        message: expect.stringContaining('its Kubernetes Job was deleted'),
      },
    });
    expect(fs.existsSync(paths.staging(id))).toBe(false);
  });

  it('a remote job whose target cannot be reached is still failed, with how to delete its Job by hand', async () => {
    const id = runningJob(deadPid(), null, 'gone');
    const remote = {
      prepare: () => Promise.reject(new Error('not here')),
      abandon: () => Promise.reject(new Error('TARGET_NOT_FOUND')),
    };
    await reconcileJobs({ jobs, paths, ownRuns: new Set(), remote });
    expect(jobs.get(id)?.error).toMatchObject({
      code: 'EXPORT_INTERRUPTED',
      hint: expect.stringContaining(`kubectl delete job edgepack-export-${id}`),
    });
  });
});
