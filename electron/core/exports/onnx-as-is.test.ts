/** A plain ONNX model is first-class: kept as it is (export v1 at once when it says its facts), never "converted". */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyDetector, tinyDetectorWithoutMetadata } from '../../../platform/test-support/tiny-models';
import { useTempCore } from '../test-support/temp-core';
import { AS_IS_NOTE } from './onnx-as-is';

const t = useTempCore('edgepack-onnx-as-is-');

const add = async (bytes: Uint8Array, name = 'pets.onnx') => {
  const file = path.join(t.home, name);
  fs.writeFileSync(file, bytes);
  return t.core.handle('models:add', { path: file });
};

describe('an ONNX model kept as it is', () => {
  it('is export v1 as soon as it is added, its file unchanged, ready for the preview and the endpoint', async () => {
    const model = await add(tinyDetector());
    expect(model.alreadyAdded).toBe(false);
    const [job] = await t.core.handle('exports:list', { modelId: model.id });
    expect(job).toMatchObject({ version: 1, status: 'completed', isDefault: true, formats: ['onnx'] });
    const result = job!.results[0]!;
    expect(result).toMatchObject({ format: 'onnx', status: 'passed', parity: null, note: AS_IS_NOTE });
    expect(fs.readFileSync(result.path!)).toEqual(fs.readFileSync(model.storedPath));
    const preview = await t.core.handle('preview:open', { path: result.path! });
    expect(preview).toMatchObject({ task: 'detect', names: ['cat', 'dog'], needs: [] });
  });

  it('says when the same file is added again, and records nothing twice', async () => {
    const first = await add(tinyDetector());
    const again = await add(tinyDetector(), 'copy-of-pets.onnx');
    expect(again).toMatchObject({ id: first.id, alreadyAdded: true });
    expect(await t.core.handle('exports:list', {})).toHaveLength(1);
  });

  it('refuses conversions and options before anything is recorded, naming them', async () => {
    const model = await add(tinyDetector());
    await expect(
      t.core.handle('exports:create', { modelId: model.id, formats: ['onnx', 'openvino', 'torchscript'] }),
    ).rejects.toMatchObject({
      code: 'EXPORT_UNSUPPORTED',
      message: 'pets is an ONNX model: it can be kept as ONNX, not converted to OpenVINO, TorchScript.',
      hint: expect.stringContaining('.pt checkpoint'),
    });
    await expect(
      t.core.handle('exports:create', { modelId: model.id, formats: ['onnx'], exportConfig: { imgsz: 320 } }),
    ).rejects.toMatchObject({
      code: 'EXPORT_OPTIONS_UNSUPPORTED',
      message: expect.stringContaining('imgsz'),
    });
    expect(await t.core.handle('exports:list', { modelId: model.id })).toHaveLength(1);
  });

  it('is not kept as it is when it does not say its task and class names, and says which', async () => {
    const model = await add(tinyDetectorWithoutMetadata(), 'bare.onnx');
    expect(await t.core.handle('exports:list', {})).toEqual([]);
    await expect(
      t.core.handle('exports:create', { modelId: model.id, formats: ['onnx'] }),
    ).rejects.toMatchObject({
      code: 'ONNX_METADATA_MISSING',
      message: 'bare does not say its task, class names, so it cannot be used as it is.',
    });
  });
});
