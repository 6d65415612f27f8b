/**
 * The conformance vectors' format (native-runtimes/conformance/README.md): what every runtime wrapper must reproduce
 * from the reference. These types are case.json as written; the helpers turn tensors into the little-endian bytes of
 * the `.bin` files and back.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { VisionError } from './errors';
import type { WireTensor } from './io-tensors';
import type { PostprocessOptions, Prediction } from './predictions';

export const CONFORMANCE_SCHEMA_VERSION = '1.0.0';

/** index.json: the cases in the order they are listed. */
export interface ConformanceIndex {
  schema_version: string;
  cases: string[];
}

export interface LetterboxPlacement {
  mode: 'letterbox';
  input_width: number;
  input_height: number;
  resized_width: number;
  resized_height: number;
  pad: { top: number; bottom: number; left: number; right: number };
  pad_value: number;
}

export interface CenterCropPlacement {
  mode: 'shortest_edge_center_crop';
  input_width: number;
  input_height: number;
  resized_width: number;
  resized_height: number;
  crop: { left: number; top: number };
}

export type TensorDtype = 'float32' | 'float16';

export interface CaseOutput {
  name: string;
  shape: number[];
  dtype: TensorDtype;
  file: string;
  sha256: string;
}

/** Post-processing settings as case.json names them (metadata.json's `postprocessing.nms` spelling). */
export interface CaseOptions {
  conf: number;
  iou: number;
  max_det: number;
  agnostic: boolean;
  classes: number[] | null;
  top_k: number;
}

/** A case's `options` as the reference's post-processing takes them. */
export function postprocessOptionsOf(options: CaseOptions): PostprocessOptions {
  return {
    conf: options.conf,
    iou: options.iou,
    maxDet: options.max_det,
    agnostic: options.agnostic,
    ...(options.classes ? { classes: options.classes } : {}),
    topK: options.top_k,
  };
}

export interface ConformanceCase {
  name: string;
  task: string;
  model: string;
  image: string;
  decoded: { width: number; height: number; png: string; sha256: string };
  preprocess: LetterboxPlacement | CenterCropPlacement;
  input: {
    name: string;
    shape: number[];
    dtype: TensorDtype;
    layout: 'NCHW';
    sha256: string;
    sum: number;
    samples: [number, number][];
  };
  outputs: CaseOutput[];
  options: CaseOptions;
  predictions: Prediction[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The vectors' tensors are little-endian; typed arrays hold the host's order, which must then be little-endian. */
function requireLittleEndian(): void {
  if (os.endianness() !== 'LE') {
    throw new Error('Conformance tensors are little-endian; this big-endian host would need a byte swap.');
  }
}

/** A tensor's bytes as a `.bin` file holds them (little-endian, C order). */
export function tensorBytes(tensor: WireTensor): Uint8Array {
  requireLittleEndian();
  return new Uint8Array(tensor.data);
}

/** A `.bin` file back as the tensor ONNX Runtime gave (`dtype` and `shape` from case.json). */
export function tensorFromBytes(
  bytes: Uint8Array,
  output: Pick<CaseOutput, 'name' | 'shape' | 'dtype'>,
): WireTensor {
  requireLittleEndian();
  const width = output.dtype === 'float16' ? 2 : 4;
  const expected = output.shape.reduce((a, b) => a * b, 1) * width;
  if (bytes.byteLength !== expected) {
    throw new VisionError(
      'UNSUPPORTED_MODEL_OUTPUT',
      `The raw output "${output.name}" holds ${bytes.byteLength} bytes; ${output.dtype} [${output.shape.join(', ')}] needs ${expected}.`,
      'Write the output tensor as raw little-endian values in C order, nothing else, with the shape and dtype given.',
    );
  }
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { type: output.dtype, data, dims: [...output.shape] };
}
