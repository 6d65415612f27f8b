import type { RgbImage } from './image';

/** Pillow's fixed-point precision for 8-bit resampling (Resample.c: 32 - 8 - 2). */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

interface Taps {
  /** First source index per output index. */
  start: Int32Array;
  /** Number of source samples per output index. */
  count: Int32Array;
  /** `stride` fixed-point weights per output index. */
  weights: Int32Array;
  stride: number;
}

/**
 * Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear ("triangle") filter: when shrinking, the
 * filter widens with the scale, which is Pillow's antialiasing. Doubles throughout, as in C.
 */
function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const inverse = 1 / filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * stride);
  const raw = new Float64Array(stride);
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    const min = Math.max(Math.trunc(center - support + 0.5), 0);
    const max = Math.min(Math.trunc(center + support + 0.5), inSize) - min;
    let total = 0;
    for (let k = 0; k < max; k++) {
      const distance = Math.abs((k + min - center + 0.5) * inverse);
      const w = distance < 1 ? 1 - distance : 0;
      raw[k] = w;
      total += w;
    }
    for (let k = 0; k < max; k++) {
      const w = total !== 0 ? raw[k]! / total : raw[k]!;
      weights[out * stride + k] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    start[out] = min;
    count[out] = max;
  }
  return { start, count, weights, stride };
}

function clip8(value: number): number {
  if (value >= ONE * 256) return 255;
  if (value <= 0) return 0;
  return Math.floor(value / ONE);
}

function horizontal(source: RgbImage, width: number): RgbImage {
  const t = taps(source.width, width);
  const out = new Uint8Array(width * source.height * 3);
  const src = source.data;
  for (let y = 0; y < source.height; y++) {
    const row = y * source.width * 3;
    for (let x = 0; x < width; x++) {
      let r = HALF;
      let g = HALF;
      let b = HALF;
      const first = t.start[x]!;
      const base = x * t.stride;
      for (let k = 0; k < t.count[x]!; k++) {
        const w = t.weights[base + k]!;
        const at = row + (first + k) * 3;
        r += src[at]! * w;
        g += src[at + 1]! * w;
        b += src[at + 2]! * w;
      }
      const o = (y * width + x) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return { width, height: source.height, data: out };
}

function vertical(source: RgbImage, height: number): RgbImage {
  const t = taps(source.height, height);
  const rowBytes = source.width * 3;
  const out = new Uint8Array(rowBytes * height);
  const src = source.data;
  for (let y = 0; y < height; y++) {
    const first = t.start[y]!;
    const base = y * t.stride;
    for (let i = 0; i < rowBytes; i++) {
      let sum = HALF;
      for (let k = 0; k < t.count[y]!; k++) sum += src[(first + k) * rowBytes + i]! * t.weights[base + k]!;
      out[y * rowBytes + i] = clip8(sum);
    }
  }
  return { width: source.width, height, data: out };
}

/**
 * Pillow's Image.resize(size, Image.BILINEAR) on an 8-bit RGB image, bit for bit: a horizontal then a vertical
 * pass with antialiasing weights in 22-bit fixed point. torchvision's Resize on PIL images (what Ultralytics'
 * classification predictor uses) is exactly this. (Pillow 13 runs the vertical pass first for some size pairs —
 * about one aspect-preserving resize in ten, mostly portrait ones — where single pixels may then differ by one level.)
 */
export function resizePilBilinear(source: RgbImage, width: number, height: number): RgbImage {
  let image = source;
  if (width !== image.width) image = horizontal(image, width);
  if (height !== image.height) image = vertical(image, height);
  return image === source ? { width, height, data: source.data.slice() } : image;
}
