import { VisionError } from './errors';

/** A tensor as ONNX Runtime takes and gives it (and as it crosses a worker boundary: `data` is transferred, not copied). */
export interface WireTensor {
  type: string;
  data: ArrayBuffer;
  dims: number[];
}

/** IEEE half → single precision, for models whose outputs are float16. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** Single → half precision, rounding to nearest even, for models whose input is float16. */
function floatToHalf(value: number): number {
  scratch[0] = value;
  const x = scratchBits[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  const mantissa = x & 0x7fffff;
  if (exponent >= 31) return sign | 0x7c00 | (((x >>> 23) & 0xff) === 0xff && mantissa ? 0x200 : 0);
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    const m = mantissa | 0x800000;
    const shift = 14 - exponent;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
  }
  const half = (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** The model input as the worker takes it: float32, or float16 for half-precision inputs. */
export function inputTensor(data: Float32Array, dims: number[], type: 'float32' | 'float16'): WireTensor {
  if (type === 'float32') return { type, data: data.buffer as ArrayBuffer, dims };
  const half = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) half[i] = floatToHalf(data[i]!);
  return { type, data: half.buffer, dims };
}

export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

/** Any numeric model output as float32 (decoders read float32). */
export function outputTensor(name: string, tensor: WireTensor): FloatTensor {
  const { type, data, dims } = tensor;
  if (type === 'float32') return { data: new Float32Array(data), dims };
  if (type === 'float16') return { data: Float32Array.from(new Uint16Array(data), halfToFloat), dims };
  if (type === 'float64') return { data: Float32Array.from(new Float64Array(data)), dims };
  if (type === 'int32') return { data: Float32Array.from(new Int32Array(data)), dims };
  if (type === 'int64') return { data: Float32Array.from(new BigInt64Array(data), Number), dims };
  throw new VisionError(
    'UNSUPPORTED_MODEL_OUTPUT',
    `The model's output "${name}" holds ${type} values, which the preview cannot decode.`,
    'Export the model with float outputs (Ultralytics exports do).',
  );
}
