import type { Box } from './boxes';
import { VisionError } from './errors';

/** A binary instance mask in model-input pixels, stored only over the rectangle its box covers. */
export interface InstanceMask {
  /** Left column and top row of the stored rectangle in the model input. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** width × height bytes, row-major, 1 inside the instance. */
  data: Uint8Array;
}

export interface MaskPrototypes {
  /** [1, channels, height, width] prototype masks (Ultralytics' output1). */
  data: Float32Array;
  dims: readonly number[];
}

/**
 * Ultralytics' process_mask(upsample=True) for one detection: coefficients × prototypes, bilinear upsampling to the
 * model input (PyTorch's align_corners=False arithmetic in float32), > 0, cropped to the box. Only the pixels
 * inside the box are computed. Null when nothing of the instance is left (Ultralytics drops such detections).
 */
export function instanceMask(
  prototypes: MaskPrototypes,
  coefficients: Float32Array,
  box: Box,
  inputShape: [number, number],
): InstanceMask | null {
  const { channels, protoHeight, protoWidth } = prototypeShape(prototypes, coefficients.length);
  const [inputHeight, inputWidth] = inputShape;
  const plane = protoHeight * protoWidth;
  const low = new Float32Array(plane);
  for (let c = 0; c < channels; c++) {
    const k = coefficients[c]!;
    const offset = c * plane;
    for (let p = 0; p < plane; p++) low[p] = low[p]! + k * prototypes.data[offset + p]!;
  }
  const x0 = Math.max(0, Math.ceil(box[0]));
  const y0 = Math.max(0, Math.ceil(box[1]));
  const x1 = Math.min(inputWidth, Math.ceil(box[2]));
  const y1 = Math.min(inputHeight, Math.ceil(box[3]));
  const width = Math.max(0, x1 - x0);
  const height = Math.max(0, y1 - y0);
  if (width === 0 || height === 0) return null;
  const columns = axisSamples(protoWidth, inputWidth, x0, width);
  const rows = axisSamples(protoHeight, inputHeight, y0, height);
  const data = new Uint8Array(width * height);
  let any = false;
  for (let r = 0; r < height; r++) {
    const top = rows.first[r]! * protoWidth;
    const bottom = rows.second[r]! * protoWidth;
    const wy0 = rows.weight0[r]!;
    const wy1 = rows.weight1[r]!;
    for (let c = 0; c < width; c++) {
      const left = columns.first[c]!;
      const right = columns.second[c]!;
      const wx0 = columns.weight0[c]!;
      const wx1 = columns.weight1[c]!;
      const value =
        wy0 * (wx0 * low[top + left]! + wx1 * low[top + right]!) +
        wy1 * (wx0 * low[bottom + left]! + wx1 * low[bottom + right]!);
      if (value > 0) {
        data[r * width + c] = 1;
        any = true;
      }
    }
  }
  return any ? { x: x0, y: y0, width, height, data } : null;
}

interface AxisSamples {
  first: Int32Array;
  second: Int32Array;
  weight0: Float32Array;
  weight1: Float32Array;
}

/** Source indices and weights of PyTorch's upsample_bilinear2d (align_corners=False) for output [from, from+n). */
function axisSamples(inSize: number, outSize: number, from: number, n: number): AxisSamples {
  const scale = Math.fround(inSize / outSize);
  const samples: AxisSamples = {
    first: new Int32Array(n),
    second: new Int32Array(n),
    weight0: new Float32Array(n),
    weight1: new Float32Array(n),
  };
  for (let i = 0; i < n; i++) {
    let source = Math.fround(scale * (from + i + 0.5) - 0.5);
    if (source < 0) source = 0;
    const index = Math.trunc(source);
    const lambda = Math.fround(source - index);
    samples.first[i] = index;
    samples.second[i] = index < inSize - 1 ? index + 1 : index;
    samples.weight0[i] = 1 - lambda;
    samples.weight1[i] = lambda;
  }
  return samples;
}

function prototypeShape(
  prototypes: MaskPrototypes,
  coefficientCount: number,
): { channels: number; protoHeight: number; protoWidth: number } {
  const dims = prototypes.dims;
  if (dims.length !== 4 || dims[0] !== 1 || dims[1] !== coefficientCount) {
    throw new VisionError(
      'UNSUPPORTED_MODEL_OUTPUT',
      `Mask prototypes must be [1, ${coefficientCount}, height, width]; this model's are [${dims.join(', ')}].`,
      'Export the segmentation model with batch size 1; its second output holds the prototypes.',
    );
  }
  return { channels: dims[1]!, protoHeight: dims[2]!, protoWidth: dims[3]! };
}

/** Run lengths of a 0/1 bitmap, row-major, starting with a run of zeros (possibly empty). */
export function encodeRuns(bits: Uint8Array): number[] {
  const runs: number[] = [];
  let current = 0;
  let length = 0;
  for (const bit of bits) {
    if (bit === current) length++;
    else {
      runs.push(length);
      current = bit;
      length = 1;
    }
  }
  runs.push(length);
  return runs;
}

export function decodeRuns(runs: readonly number[], size: number): Uint8Array {
  const bits = new Uint8Array(size);
  let at = 0;
  runs.forEach((length, i) => {
    if (i % 2 === 1) bits.fill(1, at, Math.min(size, at + length));
    at += length;
  });
  return bits;
}
