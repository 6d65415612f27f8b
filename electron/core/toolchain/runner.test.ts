import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainerEvent } from './protocol';
import { isProcessAlive } from './processes';
import { startTrainer } from './runner';

// Stand-in trainers are small Node scripts (Node is always there); the real trainer runs in the integration tests.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-runner-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

const waitUntil = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return check();
};

/** A trainer that starts a grandchild in its group, reports the grandchild's pid, then waits to be stopped. */
const lingering = (ignoreTerm: boolean) =>
  script(
    `linger-${ignoreTerm}.mjs`,
    `import { spawn } from 'node:child_process';
${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}
const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
console.log(JSON.stringify({ event: 'progress', stage: 'export', fraction: 0.5, message: String(child.pid) }));
setInterval(() => {}, 1000);`,
  );

describe('the trainer runner', () => {
  it('parses protocol events and keeps every other stdout and stderr line as log', async () => {
    const trainer = script(
      'talk.mjs',
      `const out = (o) => console.log(JSON.stringify(o));
out({ event: 'progress', stage: 'load', fraction: 0.1 });
console.log('Ultralytics banner');
console.error('a warning on stderr');
out({ event: 'artifact', format: 'onnx', path: '/x/model.onnx', bytes: 10 });
process.stdout.write(JSON.stringify({ event: 'result', formats: { onnx: { status: 'passed' } } }));`,
    );
    const events: TrainerEvent[] = [];
    const lines: string[] = [];
    const run = startTrainer({
      python: process.execPath,
      script: trainer,
      env: { ...process.env, EXPORT_JOB_ID: 'job-1' },
      cwd: dir,
      onEvent: (e) => events.push(e),
      onLine: (parsed, stream) =>
        lines.push(`${stream}:${parsed.kind === 'text' ? parsed.line : parsed.event.event}`),
    });
    expect(run.pgid).toBe(run.pid);
    const exit = await run.exited;
    expect(exit.code).toBe(0);
    expect(exit.result).toMatchObject({ formats: { onnx: { status: 'passed' } } });
    expect(events.map((e) => e.event)).toEqual(['progress', 'artifact', 'result']);
    expect(lines).toEqual(
      expect.arrayContaining(['stdout:Ultralytics banner', 'stderr:a warning on stderr', 'stdout:result']),
    );
    expect(exit.stderrTail).toEqual(['a warning on stderr']);
  });

  it('reports the error event of a trainer that fails', async () => {
    const trainer = script(
      'fail.mjs',
      `console.log(JSON.stringify({ event: 'error', code: 'CHECKPOINT_TRUNCATED', message: 'cut short', hint: 'copy again' }));
process.exit(2);`,
    );
    const exit = await startTrainer({ python: process.execPath, script: trainer, env: process.env, cwd: dir })
      .exited;
    expect(exit.code).toBe(2);
    expect(exit.error).toEqual({ code: 'CHECKPOINT_TRUNCATED', message: 'cut short', hint: 'copy again' });
  });

  it('cancels the whole process group: SIGTERM, then SIGKILL for what ignores it', async () => {
    let grandchild = 0;
    const run = startTrainer({
      python: process.execPath,
      script: lingering(true),
      env: process.env,
      cwd: dir,
      onEvent: (e) => {
        if (e.event === 'progress') grandchild = Number(e.message);
      },
    });
    expect(await waitUntil(() => grandchild > 0)).toBe(true);
    await run.cancel(300);
    const exit = await run.exited;
    expect(exit.cancelled).toBe(true);
    expect(exit.signal).toBe('SIGKILL');
    expect(isProcessAlive(run.pid)).toBe(false);
    expect(await waitUntil(() => !isProcessAlive(grandchild))).toBe(true);
  });

  it('leaves no orphan when the trainer itself is SIGKILLed', async () => {
    let grandchild = 0;
    const run = startTrainer({
      python: process.execPath,
      script: lingering(false),
      env: process.env,
      cwd: dir,
      onEvent: (e) => {
        if (e.event === 'progress') grandchild = Number(e.message);
      },
    });
    expect(await waitUntil(() => grandchild > 0)).toBe(true);
    process.kill(run.pid, 'SIGKILL');
    const exit = await run.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.cancelled).toBe(false);
    expect(await waitUntil(() => !isProcessAlive(grandchild))).toBe(true);
  });

  it('says so when the interpreter does not exist', async () => {
    const exit = await startTrainer({
      python: path.join(dir, 'no-python'),
      script: 'x.py',
      env: process.env,
      cwd: dir,
    }).exited;
    expect(exit.spawnError?.message).toMatch(/ENOENT/);
  });
});
