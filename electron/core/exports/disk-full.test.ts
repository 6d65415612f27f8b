/**
 * The database filling up while an export runs. SQLite's `PRAGMA max_page_count` caps the database a few pages above
 * its size, so the job can be created but its growing log cannot be written: SQLite then answers SQLITE_FULL exactly
 * as on a full disk (the real full disk is tests/integration/disk-full.test.ts). The trainer is a stand-in (a Node
 * script) that talks a lot, writes a file in its staging folder and waits to be stopped.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportJobsRepo, ModelsRepo, openDatabase, ValidationsRepo, type Db } from '../db';
import { EventHub } from '../events';
import { DataPaths } from '../paths';
import type { Toolchain } from '../toolchain';
import { isGroupAlive } from '../toolchain/processes';
import { ExportsService } from './service';

let home: string;
let db: Db;
let service: ExportsService;
let modelId: string;

const TRAINER = `
const fs = require('node:fs');
const out = (o) => console.log(JSON.stringify(o));
out({ event: 'progress', stage: 'onnx', fraction: 0.2 });
fs.writeFileSync(require('node:path').join(process.env.OUTPUT_DIR, 'model.onnx'), Buffer.alloc(4096));
for (let i = 0; i < 400; i++) console.log('converter says: ' + 'x'.repeat(200) + ' ' + i);
// A real export takes a while: stay until stopped (a result after 20 s, which the old code would have kept).
setTimeout(() => {
  out({ event: 'result', formats: { onnx: { status: 'passed', path: 'model.onnx', bytes: 4096 } } });
  process.exit(0);
}, 20000);
`;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-dbfull-'));
  const paths = new DataPaths(home);
  db = openDatabase(paths.database);
  const script = path.join(home, 'trainer.cjs');
  fs.writeFileSync(script, TRAINER);
  const checkpoint = path.join(home, 'detect.pt');
  fs.writeFileSync(checkpoint, 'stand-in');
  modelId = new ModelsRepo(db).insert({
    id: randomUUID(),
    name: 'detect',
    sourcePath: checkpoint,
    storedPath: checkpoint,
    framework: 'ultralytics',
    task: 'detect',
    classNames: ['a'],
    imgsz: [160, 160],
    sha256: 'h',
    sizeBytes: 8,
    details: {},
  }).id;
  const toolchain = {
    assertReady: () => ({ python: process.execPath }),
    trainerScript: () => script,
    trainerEnv: (extra: Record<string, string> = {}) => ({ ...process.env, ...extra }),
    ensureEnvironment: async () => process.execPath,
  } as unknown as Toolchain;
  service = new ExportsService({
    jobs: new ExportJobsRepo(db),
    models: new ModelsRepo(db),
    validations: new ValidationsRepo(db),
    paths,
    toolchain,
    events: new EventHub(),
  });
});

afterEach(async () => {
  await service.close();
  db.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('the database fills up during an export (SQLITE_FULL, simulated with PRAGMA max_page_count)', () => {
  it('stops the trainer, removes the staging folder and records the job as failed with DISK_FULL', async () => {
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 3}`);

    const created = await service.create({
      modelId,
      formats: ['onnx'],
      exportConfig: {},
      optimizationConfig: {},
    });
    const run = service.waitFor(created.id);
    const started = Date.now();
    const job = await run;
    expect(Date.now() - started).toBeLessThan(15_000); // stopped, not waited out
    expect(job).toMatchObject({
      status: 'failed',
      outputDir: null,
      error: {
        code: 'DISK_FULL',
        message: expect.stringContaining(home),
        hint: expect.stringMatching(/Free some space/),
      },
    });
    // What the database holds says the same (read back through a connection of its own).
    expect(service.get(created.id)).toMatchObject({ status: 'failed', error: { code: 'DISK_FULL' } });
    expect(fs.existsSync(path.join(home, 'exports', '.staging', created.id))).toBe(false);
    expect(fs.readdirSync(path.join(home, 'tmp'))).toEqual([]);
    const row = db.prepare('SELECT pgid FROM export_jobs WHERE id = ?').get(created.id) as { pgid: number };
    expect(isGroupAlive(row.pgid)).toBe(false);
  });
});
