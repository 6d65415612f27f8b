import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTinyOnnx } from '../../../native-runtimes/typescript/test-support/tiny-onnx';
import { zipOf } from '../../../platform/test-support/bundle-zip';
import { sniffModelFile } from './sniff';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-sniff-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string | Uint8Array) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const tinyOnnx = (metadata: Record<string, string>) =>
  buildTinyOnnx({
    inputShape: [1, 3, 32, 32],
    output: { dims: [1, 1], data: new Float32Array(1) },
    metadata,
  });
const torchZip = () =>
  zipOf(
    {
      'best/data.pkl': Buffer.alloc(4000, 1),
      'best/data/0': Buffer.alloc(20000, 2),
      'best/version': '3\n',
    },
    { store: true },
  );

describe('fast checks of a dropped file', () => {
  it('accepts a PyTorch zip checkpoint, a legacy pickle checkpoint and an ONNX model', () => {
    expect(sniffModelFile(write('best.pt', torchZip()))).toBe('pytorch');
    expect(sniffModelFile(write('old.pt', Buffer.from([0x80, 0x02, 0x8a, 0x0a])))).toBe('pytorch');
    expect(sniffModelFile(write('model.onnx', tinyOnnx({})))).toBe('onnx');
    expect(sniffModelFile(write('no-extension', tinyOnnx({ task: 'detect' })))).toBe('onnx');
  });

  it.each([
    ['a missing file', () => path.join(dir, 'nope.pt'), 'CHECKPOINT_NOT_FOUND', /No file at/],
    [
      'a symlink loop',
      () => {
        const a = path.join(dir, 'loop-a.pt');
        fs.symlinkSync(path.join(dir, 'loop-b.pt'), a);
        fs.symlinkSync(a, path.join(dir, 'loop-b.pt'));
        return a;
      },
      'SYMLINK_LOOP',
      /symbolic link loop \(ELOOP/,
    ],
    ['a folder', () => fs.mkdtempSync(path.join(dir, 'folder-')), 'NOT_A_CHECKPOINT', /is a folder/],
    ['an empty file', () => write('empty.pt', ''), 'NOT_A_CHECKPOINT', /empty \(0 bytes\)/],
    [
      'a text file',
      () => write('notes.pt', 'epochs: 100\nlr: 0.01\n'),
      'NOT_A_CHECKPOINT',
      /text file \(it starts with "epochs: 100"\)/,
    ],
    [
      'a PNG image',
      () => write('photo.pt', Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64)])),
      'NOT_A_CHECKPOINT',
      /PNG image/,
    ],
    [
      'a JPEG image',
      () => write('photo.jpg', Buffer.from('ffd8ffe000104a464946', 'hex')),
      'NOT_A_CHECKPOINT',
      /JPEG image/,
    ],
    [
      'a truncated checkpoint',
      () => {
        const full = torchZip();
        return write('cut.pt', full.subarray(0, Math.floor(full.length / 2)));
      },
      'CHECKPOINT_TRUNCATED',
      /damaged or incomplete/,
    ],
    [
      'a zip of something else',
      () => write('photos.zip', zipOf({ 'a.jpg': 'x', 'b.jpg': 'y' })),
      'NOT_A_CHECKPOINT',
      /zip archive but not a PyTorch checkpoint/,
    ],
    [
      'a Keras archive',
      () => write('model.keras', zipOf({ 'config.json': '{}', 'model.weights.h5': 'w' })),
      'WRONG_FRAMEWORK',
      /Keras\/TensorFlow/,
    ],
    [
      'Keras HDF5 weights',
      () => write('weights.h5', Buffer.concat([Buffer.from('894844460d0a1a0a', 'hex'), Buffer.alloc(32)])),
      'WRONG_FRAMEWORK',
      /HDF5/,
    ],
    [
      'a TFLite model',
      () =>
        write(
          'model.tflite',
          Buffer.concat([Buffer.from([0x1c, 0, 0, 0]), Buffer.from('TFL3'), Buffer.alloc(32)]),
        ),
      'WRONG_FRAMEWORK',
      /TensorFlow Lite/,
    ],
    [
      'safetensors weights',
      () => write('model.safetensors', Buffer.alloc(32)),
      'WRONG_FRAMEWORK',
      /safetensors/,
    ],
    [
      'an unknown binary',
      () => write('blob.pt', Buffer.from([1, 2, 3, 0, 250, 251])),
      'NOT_A_CHECKPOINT',
      /unrecognised/,
    ],
  ])('rejects %s with a clear error', (_what, make, code, message) => {
    let error: unknown;
    try {
      sniffModelFile(make());
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code,
      message: expect.stringMatching(message),
      hint: expect.stringMatching(/\S/),
    });
  });
});
