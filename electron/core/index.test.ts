import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTinyOnnx } from '../../native-runtimes/typescript/test-support/tiny-onnx';
import type { ExportJob } from '../contract';
import { createCore, resolveHome, type CoreWithServices } from './index';

let home: string;
let core: CoreWithServices;

beforeEach(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-core-'));
  // An empty toolchains folder: these tests cover what works (and what is refused) without the Python toolchain.
  core = await createCore({ home, toolchainsDir: path.join(home, 'no-toolchains') });
});
afterEach(async () => {
  await core.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const onnxFile = (name = 'shapes.onnx') => {
  const file = path.join(home, name);
  fs.writeFileSync(
    file,
    buildTinyOnnx({
      inputShape: [1, 3, 32, 32],
      output: { dims: [1, 1], data: new Float32Array(1) },
      metadata: { task: 'detect', names: "{0: 'circle', 1: 'square'}", imgsz: '[32, 32]' },
    }),
  );
  return file;
};

describe('resolveHome', () => {
  it('uses EDGEPACK_HOME when set, else the OS app-data folder', () => {
    expect(resolveHome({ EDGEPACK_HOME: '/data/edgepack' })).toBe('/data/edgepack');
    expect(resolveHome({})).toMatch(/Edgepack$/);
  });
});

describe('the core', () => {
  it('validates every request against the contract and answers with {code, message, hint}', async () => {
    await expect(core.handle('models:add', { path: 42 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('path'),
    });
    await expect(core.handle('no:such' as 'models:list', {})).rejects.toMatchObject({
      code: 'UNKNOWN_CHANNEL',
    });
    await expect(core.handle('models:get', { id: 'nope' })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      hint: expect.stringMatching(/models list/),
    });
  });

  it('adds an ONNX model without any toolchain, keeping a copy and its card', async () => {
    const source = onnxFile();
    const model = await core.handle('models:add', { path: source });
    expect(model).toMatchObject({
      framework: 'onnx',
      task: 'detect',
      classNames: ['circle', 'square'],
      imgsz: [32, 32],
      sourcePath: source,
    });
    expect(model.storedPath.startsWith(path.join(home, 'models', model.id))).toBe(true);
    expect(fs.readFileSync(model.storedPath)).toEqual(fs.readFileSync(source));
    fs.rmSync(source);
    const { alreadyAdded, ...record } = model;
    expect(alreadyAdded).toBe(false);
    expect(await core.handle('models:get', { id: model.id })).toEqual(record); // the copy is what counts
    expect(await core.handle('models:add', { path: model.storedPath })).toMatchObject({ id: model.id }); // same bytes, same model
  });

  it('refuses to convert an ONNX model, and a checkpoint while the toolchain is missing, saying what to do', async () => {
    const model = await core.handle('models:add', { path: onnxFile() });
    await expect(
      core.handle('exports:create', { modelId: model.id, formats: ['openvino'] }),
    ).rejects.toMatchObject({
      code: 'EXPORT_UNSUPPORTED',
    });
    const checkpoint = path.join(home, 'best.pt');
    fs.writeFileSync(checkpoint, Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20]));
    await expect(core.handle('models:add', { path: checkpoint })).rejects.toMatchObject({
      code: 'TOOLCHAIN_NOT_READY',
      hint: expect.stringContaining('npx edgepack doctor --fix'),
    });
    expect(await core.handle('models:list', {})).toHaveLength(1);
  });

  it('removes a model with its files', async () => {
    const model = await core.handle('models:add', { path: onnxFile() });
    fs.mkdirSync(path.join(home, 'exports', model.id, 'v1'), { recursive: true });
    expect(await core.handle('models:remove', { id: model.id })).toEqual({ removed: true, endpoints: [] });
    expect(await core.handle('models:list', {})).toEqual([]);
    expect(fs.existsSync(path.join(home, 'models', model.id))).toBe(false);
    expect(fs.existsSync(path.join(home, 'exports', model.id))).toBe(false);
  });

  it('answers export lookups for unknown ids with EXPORT_NOT_FOUND', async () => {
    for (const channel of [
      'exports:get',
      'exports:log',
      'exports:cancel',
      'exports:delete',
      'exports:reveal',
      'exports:wait',
      'exports:metadata',
    ] as const) {
      await expect(core.handle(channel, { id: 'missing' })).rejects.toMatchObject({
        code: 'EXPORT_NOT_FOUND',
      });
    }
    expect(await core.handle('exports:list', {})).toEqual([] as ExportJob[]);
  });

  it('reports the toolchain through doctor, with the fix', async () => {
    const report = await core.handle('toolchain:doctor', {});
    expect(report.ok).toBe(false);
    expect(report.environment.path).toContain(path.join(home, 'no-toolchains', 'ultralytics-'));
    expect(report.problems.map((p) => p.fix)).toContain('npx edgepack doctor --fix');
  });

  it('reports first-use environments only when asked, and takes only plain environment names', async () => {
    expect(await core.handle('toolchain:doctor', { dev: true })).not.toHaveProperty('environments');
    const report = await core.handle('toolchain:doctor', { environments: ['tflite'] });
    expect(report.environments).toEqual([
      {
        framework: 'tflite',
        path: expect.stringContaining(path.join(home, 'no-toolchains', 'tflite-')),
        ready: false,
      },
    ]);
    for (const name of ['../ultralytics', 'TFLite', '']) {
      await expect(core.handle('toolchain:ensure', { environments: [name] })).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('environments.0'),
      });
    }
  });

  it('offers local hosts the images of folders and a copy of an export, outside the contract', async () => {
    const folder = path.join(home, 'images');
    fs.mkdirSync(path.join(folder, 'nested'), { recursive: true });
    for (const name of ['b.jpg', 'a.png', 'notes.txt', '.hidden.jpg', 'nested/c.webp'])
      fs.writeFileSync(path.join(folder, name), '');
    expect(core.local.expandImages([folder])).toEqual({
      files: ['a.png', 'b.jpg', 'nested/c.webp'].map((f) => path.join(folder, f)),
      skipped: 1,
    });
    expect(() => core.local.copyExport('missing', path.join(home, 'out'))).toThrow(
      expect.objectContaining({ code: 'EXPORT_NOT_FOUND' }),
    );
  });

  it('refuses requests after close', async () => {
    await core.close();
    await expect(core.handle('models:list', {})).rejects.toMatchObject({ code: 'CORE_CLOSED' });
  });
});
