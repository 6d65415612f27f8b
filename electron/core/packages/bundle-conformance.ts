/**
 * A bundle's own conformance vectors (native-runtimes/conformance/README.md): the exported ONNX model run by the
 * reference runtime on real photos — the decoded pixels, the placement, the input tensor's checksum, the raw outputs
 * and the predictions the app gives — so a person can check a device against the app. Built with the reference's
 * case builder, under `conformance/` with paths relative to it; `model` is `..`, the bundle's root, where the model
 * and metadata.json are.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  buildConformanceCase,
  type BuiltConformanceCase,
} from '../../../native-runtimes/typescript/conformance-case';
import {
  openConformanceModel,
  type ConformanceModel,
} from '../../../native-runtimes/typescript/conformance-model';
import {
  CONFORMANCE_SCHEMA_VERSION,
  tensorFromBytes,
} from '../../../native-runtimes/typescript/conformance-format';
import { readOnnxSummary } from '../../../native-runtimes/typescript/onnx-proto';
import type { PostprocessOptions } from '../../../native-runtimes/typescript/predictions';
import { AppError } from '../errors';
import type { ZipEntry } from './zip-writer';

/** Real photos of native-runtimes/conformance/images/: a portrait and a landscape one. */
export const CONFORMANCE_PHOTOS = ['bus.jpg', 'zidane.jpg'];

/**
 * When a photo gives no predictions at metadata.json's thresholds (a model trained on other scenes), its case is made
 * again from the same raw outputs at these, so that the vector still exercises the decoder and NMS.
 */
const LOW_THRESHOLDS: PostprocessOptions = { conf: 0.01, maxDet: 20 };

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
const data = (name: string, bytes: Uint8Array | Buffer): ZipEntry => ({
  name: `conformance/${name}`,
  source: { data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
  size: bytes.byteLength,
});

async function photoCase(
  model: ConformanceModel,
  name: string,
  photo: string,
  imageBytes: Uint8Array,
): Promise<BuiltConformanceCase> {
  const request = { name, imagePath: `images/${photo}`, imageBytes };
  const built = await buildConformanceCase(model, request);
  if (built.caseJson.predictions.length > 0) return built;
  const outputs = built.caseJson.outputs.map((o) => tensorFromBytes(built.files.get(o.file)!, o));
  return buildConformanceCase(model, { ...request, outputs, options: LOW_THRESHOLDS });
}

/** A failure of the reference on this model, said as such (its own errors already say what to do). */
function vectorsFailed(error: unknown, onnxFile: string, photo: string): unknown {
  if ((error as { code?: unknown }).code && (error as { hint?: unknown }).hint) return error;
  return new AppError(
    'CONFORMANCE_VECTORS_FAILED',
    `The reference runtime could not run ${onnxFile} on ${photo} to make the bundle's conformance vectors: ${(error as Error).message}`,
    'Check the export in the playground (or `edgepack predict <export-id> <photo>`): a model the app cannot run cannot be packaged with its vectors.',
    { cause: error },
  );
}

/**
 * The entries of `conformance/`: README.md (the format), index.json, the photos, and per photo its case folder.
 * `onnxFile` must be the bundle's `model.onnx`, `metadataFile` its metadata.json.
 */
export async function conformanceEntries(
  onnxFile: string,
  metadataFile: string,
  conformanceDir: string,
): Promise<ZipEntry[]> {
  const onnx = new Uint8Array(fs.readFileSync(onnxFile));
  const batch = readOnnxSummary(onnx).inputs[0]?.shape[0];
  if (typeof batch === 'number' && batch > 1) {
    throw new AppError(
      'PACKAGE_BATCH_UNSUPPORTED',
      `${onnxFile} takes batches of ${batch} images; the reference runtime (the app's preview, \`edgepack predict\`) runs one image at a time, so this model's conformance vectors cannot be made.`,
      'Export the model with batch 1 (the default: leave out --batch), then package that export.',
    );
  }
  const model = openConformanceModel({
    path: '..',
    onnx,
    metadata: JSON.parse(fs.readFileSync(metadataFile, 'utf8')) as unknown,
  });
  try {
    const entries: ZipEntry[] = [];
    const names: string[] = [];
    for (const photo of CONFORMANCE_PHOTOS) {
      const imageFile = path.join(conformanceDir, 'images', photo);
      const imageBytes = new Uint8Array(fs.readFileSync(imageFile));
      const name = `${model.ready.info.task}-${path.parse(photo).name}`;
      const built = await photoCase(model, name, photo, imageBytes).catch((error: unknown) => {
        throw vectorsFailed(error, onnxFile, photo);
      });
      names.push(name);
      entries.push({
        name: `conformance/images/${photo}`,
        source: { file: imageFile },
        size: imageBytes.length,
      });
      for (const [file, bytes] of built.files) entries.push(data(file, bytes));
      entries.push(data(`cases/${name}/case.json`, json(built.caseJson)));
    }
    entries.push(data('index.json', json({ schema_version: CONFORMANCE_SCHEMA_VERSION, cases: names })));
    const readme = path.join(conformanceDir, 'README.md');
    entries.push({ name: 'conformance/README.md', source: { file: readme }, size: fs.statSync(readme).size });
    return entries;
  } finally {
    await model.release();
  }
}
