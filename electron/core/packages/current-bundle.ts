import fs from 'node:fs';
import {
  BundleReadError,
  readBundleManifest,
  rootOnnxFiles,
  type ReadAt,
} from '../../../native-runtimes/typescript/bundle-manifest';
import type { PackageRecord } from '../../contract';
import { EDGEPACK_VERSION } from '../version';
import { sameFile } from './same-file';

/** Reads a zip on disk by position, so only its directory and manifest.json are read. */
function readManifestOf(file: string) {
  const fd = fs.openSync(file, 'r');
  try {
    const readAt: ReadAt = (offset, length) => {
      const buffer = Buffer.alloc(length);
      const read = fs.readSync(fd, buffer, 0, length, offset);
      return buffer.subarray(0, read);
    };
    return readBundleManifest(readAt, fs.fstatSync(fd).size);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Whether a bundle package can be shipped as it is: still the file Edgepack wrote (size and sha256), built by this
 * Edgepack (the same runtime wrappers), and holding the ONNX model with this SHA-256.
 */
export function isCurrentBundle(record: PackageRecord, modelSha256: string): boolean {
  if (record.target !== 'bundle' || !sameFile(record.path, record.sizeBytes, record.sha256)) return false;
  try {
    const manifest = readManifestOf(record.path);
    return (
      manifest.edgepack_version === EDGEPACK_VERSION &&
      rootOnnxFiles(manifest).some((f) => f.sha256 === modelSha256)
    );
  } catch (error) {
    if (error instanceof BundleReadError) return false;
    throw error;
  }
}
