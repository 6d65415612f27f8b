/**
 * Exports interrupted the ways people and machines interrupt them: a second export of the same model while one runs,
 * Ctrl-C, the trainer SIGKILLed, the CLI SIGKILLed and run again. Each leaves a clear job status, no files marked
 * done, and no process behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cli,
  fixture,
  freshHome,
  groupGone,
  jobRows,
  removeHomes,
  startCli,
  waitFor,
  type JobRow,
} from './helpers';

afterAll(removeHomes);

const checkpoint = fixture('models/detect.pt');

/** Adds the detect checkpoint and starts exporting it in the background; resolves once the trainer is running. */
async function exportInBackground(home: string, stages = ['load', 'onnx', 'parity']) {
  const model = cli(home, ['models', 'add', checkpoint, '--json']).json;
  // At 640 px (the checkpoint was trained at 160) the export runs long enough to be interrupted with room to spare.
  const run = startCli(home, ['export', model.id, '--format', 'onnx', '--imgsz', '640', '--json']);
  const job = await waitFor(
    () =>
      jobRows(home).find(
        (j): j is JobRow & { pgid: number } => j.pgid !== null && stages.includes(j.progress_stage),
      ),
    'the trainer to be exporting',
  );
  return { model, run, job };
}

const exportsDir = (home: string, modelId: string) => path.join(home, 'exports', modelId);
const stagingEntries = (home: string) => {
  const staging = path.join(home, 'exports', '.staging');
  return fs.existsSync(staging) ? fs.readdirSync(staging) : [];
};

describe('while an export runs', () => {
  it('refuses a second export of the same model, then Ctrl-C cancels the first and stops its trainer', async () => {
    const home = freshHome();
    const { model, run, job } = await exportInBackground(home);

    const second = cli(home, ['export', model.id, '--format', 'onnx', '--json']);
    expect(second.code).not.toBe(0);
    expect(second.json.error).toMatchObject({
      code: 'EXPORT_ALREADY_RUNNING',
      message: expect.stringContaining(job.id),
      hint: expect.stringMatching(/wait|cancel/i),
    });
    expect(jobRows(home).find((j) => j.id === job.id)?.status).toBe('running'); // the second CLI left it alone

    run.child.kill('SIGINT');
    const ended = await run.done;
    expect(ended.code).toBe(130);
    expect(ended.json).toMatchObject({
      id: job.id,
      status: 'cancelled',
      error: { code: 'EXPORT_CANCELLED' },
    });
    expect(await waitFor(() => groupGone(job.pgid), 'the trainer group to be gone', 10_000)).toBe(true);
    expect(fs.existsSync(path.join(exportsDir(home, model.id), 'v1'))).toBe(false);
    expect(stagingEntries(home)).toEqual([]);
  });
});

describe('a killed trainer', () => {
  it('leaves a failed job with the reason and its log, no files marked done, and no process', async () => {
    const home = freshHome();
    const { model, run, job } = await exportInBackground(home, ['onnx', 'parity']);
    process.kill(job.pid!, 'SIGKILL');
    const ended = await run.done;
    expect(ended.code).toBe(1);
    expect(ended.json).toMatchObject({
      status: 'failed',
      results: [],
      outputDir: null,
      error: { code: 'TRAINER_KILLED', message: expect.stringContaining('SIGKILL') },
    });
    expect(await waitFor(() => groupGone(job.pgid), 'the trainer group to be gone', 10_000)).toBe(true);
    expect(fs.existsSync(exportsDir(home, model.id))).toBe(false);
    expect(stagingEntries(home)).toEqual([]);
    const log = cli(home, ['exports', 'log', job.id, '--json']).json as string[];
    expect(log.join('\n')).toMatch(/started \(trainer pid \d+\)[\s\S]*TRAINER_KILLED/);
    // The model is fine: the next export runs and becomes v2 and the default.
    const next = cli(home, ['export', model.id, '--format', 'onnx', '--json']).json;
    expect(next).toMatchObject({ version: 2, status: 'completed', isDefault: true });
  });
});

describe('a killed CLI', () => {
  it('is reconciled by the next run: the orphaned trainer is stopped and the job fails with the reason', async () => {
    const home = freshHome();
    const { run, job } = await exportInBackground(home, ['load', 'onnx']);
    run.child.kill('SIGKILL');
    await run.done;
    expect(jobRows(home).find((j) => j.id === job.id)?.status).toBe('running'); // nobody is left to say otherwise

    const listed = cli(home, ['exports', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.json[0]).toMatchObject({
      id: job.id,
      status: 'failed',
      error: { code: 'EXPORT_INTERRUPTED', message: expect.stringMatching(/app or CLI stopped/) },
    });
    expect(await waitFor(() => groupGone(job.pgid), 'the orphaned trainer to be stopped', 10_000)).toBe(true);
    expect(stagingEntries(home)).toEqual([]);
  });
});
