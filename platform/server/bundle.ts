import { createHash } from 'node:crypto';
import {
  BundleReadError,
  bufferReader,
  readBundleManifest,
  rootOnnxFiles,
  zipEntries,
} from '@edgepack/runtime/bundle-manifest';
import { crc32 } from 'node:zlib';
import { PlatformError } from './errors';
import type { ModelPackage } from './packages';

/** An uploaded bundle zip (the app's `edgepack package --target bundle`), checked against the uploaded model. */
export interface BundleUpload {
  zip: Buffer;
  sha256: string;
}

const HINT =
  'Upload the bundle zip Edgepack built from the same export as model.onnx (`edgepack package <export-id> --target bundle`), unchanged, or leave the "bundle" part out.';

/**
 * A bundle is taken only when it is a zip whose manifest.json lists a root-level ONNX file with the uploaded
 * model's SHA-256, and the zip's own entry for that file agrees (size and CRC-32 from its directory, so the model
 * is not inflated again): a bundle of another model, or of another export, is refused before anything is stored.
 */
export function checkBundle(zip: Buffer, model: ModelPackage): BundleUpload {
  const reader = bufferReader(zip);
  let manifest;
  let entries;
  try {
    entries = zipEntries(reader, zip.byteLength);
    manifest = readBundleManifest(reader, zip.byteLength);
  } catch (error) {
    if (!(error instanceof BundleReadError)) throw error;
    throw new PlatformError(
      400,
      error.reason === 'not_a_zip' ? 'BUNDLE_NOT_A_ZIP' : 'BUNDLE_INVALID',
      `The "bundle" part is not an Edgepack bundle: ${error.message}`,
      HINT,
    );
  }
  const models = rootOnnxFiles(manifest);
  const match = models.find((f) => f.sha256 === model.sha256);
  const entry = match && entries.find((e) => e.name === match.path);
  const consistent =
    entry !== undefined && entry.size === model.onnx.byteLength && entry.crc32 === crc32(model.onnx) >>> 0;
  if (!consistent) {
    const listed = models.map((f) => `${f.path} ${f.sha256.slice(0, 12)}…`).join(', ') || 'no ONNX model';
    throw new PlatformError(
      422,
      'BUNDLE_MODEL_MISMATCH',
      `The bundle is not of the uploaded model: model.onnx has SHA-256 ${model.sha256.slice(0, 12)}…, the bundle's manifest lists ${listed}${match && !consistent ? ' (and its file in the zip differs from the manifest)' : ''}.`,
      HINT,
    );
  }
  return { zip, sha256: createHash('sha256').update(zip).digest('hex') };
}

export function bundleTooLarge(limitBytes: number): PlatformError {
  return new PlatformError(
    413,
    'BUNDLE_TOO_LARGE',
    `The bundle zip is larger than this service keeps (${Math.round(limitBytes / 1024 / 1024)} MiB).`,
    'Deploy without the bundle, or ask the operator to raise PLATFORM_BUNDLE_LIMIT_BYTES.',
  );
}
