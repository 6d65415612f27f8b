import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BundleReadError,
  bufferReader,
  readBundleManifest,
} from '../../../native-runtimes/typescript/bundle-manifest';
import type { PackageRecord } from '../../contract';
import { EDGEPACK_VERSION } from '../version';
import { isCurrentBundle } from './current-bundle';
import { writeZip } from './zip-writer';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-current-bundle-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const model = Buffer.alloc(200_000, 3);

/** A zip written by the packages' own writer, with a manifest shaped like the bundle's. */
async function bundle(name: string, edgepackVersion = EDGEPACK_VERSION): Promise<PackageRecord> {
  const file = path.join(root, name);
  const readme = Buffer.from('# bundle\n');
  const written = await writeZip(
    file,
    [
      { name: 'README.md', source: { data: readme }, size: readme.length },
      { name: 'yolo.onnx', source: { data: model }, size: model.length },
    ],
    {
      date: new Date('2026-01-01T00:00:00Z'),
      last: (files) => {
        const data = Buffer.from(
          JSON.stringify({ edgepack_version: edgepackVersion, formats: ['onnx'], files }),
        );
        return { name: 'manifest.json', source: { data }, size: data.length };
      },
    },
  );
  return {
    id: name,
    exportId: 'e1',
    target: 'bundle',
    path: file,
    sizeBytes: written.size,
    sha256: written.sha256,
    createdAt: new Date().toISOString(),
  };
}

describe('the bundle manifest reader on the packages writer’s zips', () => {
  it('reads manifest.json (deflated) from the zip’s directory', async () => {
    const record = await bundle('read.zip');
    const manifest = readBundleManifest(bufferReader(fs.readFileSync(record.path)), record.sizeBytes);
    expect(manifest.edgepack_version).toBe(EDGEPACK_VERSION);
    expect(manifest.files.find((f) => f.path === 'yolo.onnx')).toEqual({
      path: 'yolo.onnx',
      size: model.length,
      sha256: sha256(model),
    });
  });

  it('says what is wrong with something that is not a bundle', () => {
    const read = (bytes: Buffer) => () => readBundleManifest(bufferReader(bytes), bytes.length);
    expect(read(Buffer.from('not a zip at all, just text'))).toThrow(
      expect.objectContaining({ reason: 'not_a_zip' }) as BundleReadError,
    );
    expect(read(Buffer.alloc(10))).toThrow(/not a zip file \(10 bytes\)/);
  });
});

describe('isCurrentBundle: a bundle package a deploy may upload as it is', () => {
  it('is current when it is the file written, by this Edgepack, with this model inside', async () => {
    expect(isCurrentBundle(await bundle('current.zip'), sha256(model))).toBe(true);
  });

  it('is not for another model, an older Edgepack, a changed or missing file, or another target', async () => {
    const record = await bundle('stale.zip');
    expect(isCurrentBundle(record, sha256(Buffer.from('another model')))).toBe(false);
    expect(isCurrentBundle(await bundle('old.zip', '0.0.1'), sha256(model))).toBe(false);
    expect(isCurrentBundle({ ...record, target: 'docker' }, sha256(model))).toBe(false);
    fs.appendFileSync(record.path, 'x');
    expect(isCurrentBundle(record, sha256(model))).toBe(false);
    fs.rmSync(record.path);
    expect(isCurrentBundle(record, sha256(model))).toBe(false);
  });
});
