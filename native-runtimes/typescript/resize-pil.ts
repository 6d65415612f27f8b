import type { RgbImage } from './image';
import type { PilKernels, WasmMemory } from './resize-pil-simd';
import { pilKernels, pilKernelsOver, wasmMemory } from './resize-pil-simd';

/** Pillow's fixed-point precision for 8-bit resampling (Resample.c: 32 - 8 - 2). */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** One axis's resampling taps, as Pillow computes them, in the layouts both paths read. */
interface Taps {
  /** First source index per output index. */
  start: Int32Array;
  /** Number of source samples per output index (at least 1). */
  count: Int32Array;
  /** `stride` fixed-point weights per output index. */
  weights: Int32Array;
  stride: number;
  /** The SIMD horizontal pass's weights: per output index, `pairs` pairs of 16 lanes (lo, then hi; see resize-pil-simd). */
  pairLanes?: Int16Array;
  pairs: number;
}

/**
 * Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear ("triangle") filter: when shrinking, the
 * filter widens with the scale, which is Pillow's antialiasing. Doubles throughout, as in C.
 */
function computeTaps(inSize: number, outSize: number): Taps {
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
  return { start, count, weights, stride, pairs: (stride + 1) >> 1 };
}

/** The SIMD pass's layout: per output index and tap pair, lanes (lo0 lo1)×3 0 0 then (hi0 hi1)×3 0 0. */
function pairLanes(taps: Taps): Int16Array {
  if (taps.pairLanes) return taps.pairLanes;
  const { count, weights, stride, pairs } = taps;
  const lanes = new Int16Array(count.length * pairs * 16);
  for (let out = 0; out < count.length; out++) {
    for (let k = 0; k < count[out]!; k++) {
      const w = weights[out * stride + k]!;
      const at = (out * pairs + (k >> 1)) * 16 + (k & 1);
      for (let c = 0; c < 3; c++) {
        lanes[at + c * 2] = w & 0x7ff;
        lanes[at + 8 + c * 2] = w >> 11;
      }
    }
  }
  taps.pairLanes = lanes;
  return lanes;
}

/** Taps by (input size, output size): a classifier sees the same sizes image after image. */
const tapsCache = new Map<string, Taps>();
function taps(inSize: number, outSize: number): Taps {
  const key = `${inSize}:${outSize}`;
  let found = tapsCache.get(key);
  if (!found) {
    if (tapsCache.size >= 64) tapsCache.delete(tapsCache.keys().next().value!);
    found = computeTaps(inSize, outSize);
    tapsCache.set(key, found);
  }
  return found;
}

/** A rectangle of the resized image. */
export interface ResizeRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** How Pillow resizes: which passes, in which order, and which source rows and columns the region needs. */
interface Plan {
  horizontal: Taps | null;
  vertical: Taps | null;
  verticalFirst: boolean;
  region: ResizeRegion;
  /** Source rows [rows0, rows1) and columns [cols0, cols1) the region's pixels are made from. */
  rows0: number;
  rows1: number;
  cols0: number;
  cols1: number;
}

function span(t: Taps | null, first: number, count: number): [number, number] {
  if (!t) return [first, first + count];
  let lo = Infinity;
  let hi = 0;
  for (let i = first; i < first + count; i++) {
    lo = Math.min(lo, t.start[i]!);
    hi = Math.max(hi, t.start[i]! + t.count[i]!);
  }
  return [lo, hi];
}

function plan(source: RgbImage, width: number, height: number, region?: ResizeRegion): Plan {
  const r = region ?? { left: 0, top: 0, width, height };
  if (
    r.width < 1 ||
    r.height < 1 ||
    r.left < 0 ||
    r.top < 0 ||
    r.left + r.width > width ||
    r.top + r.height > height
  ) {
    throw new RangeError(`region ${JSON.stringify(r)} is not inside ${width}×${height}`);
  }
  const horizontal = width !== source.width ? taps(source.width, width) : null;
  const vertical = height !== source.height ? taps(source.height, height) : null;
  // Pillow 13 (ImagingResample) runs the vertical pass first when the height shrinks by more than twice what the
  // width shrinks by; the intermediate image is then rounded to bytes at another point, so the order matters.
  const shrinkY = source.height - height;
  const verticalFirst = !!horizontal && !!vertical && shrinkY > 0 && shrinkY > 2 * (source.width - width);
  const [rows0, rows1] = span(vertical, r.top, r.height);
  const [cols0, cols1] = span(horizontal, r.left, r.width);
  return { horizontal, vertical, verticalFirst, region: r, rows0, rows1, cols0, cols1 };
}

/**
 * Pillow's Image.resize(size, Image.BILINEAR) on an 8-bit RGB image, bit for bit — or, given a region, exactly
 * that rectangle of it, computing only what it needs (a classifier's centre crop). Two passes with antialiasing
 * weights in 22-bit fixed point, horizontal then vertical (or vertical first where Pillow 13 does so), each rounded
 * to bytes. torchvision's Resize on PIL images (what Ultralytics' classification predictor uses) is exactly this.
 * Runs as WebAssembly SIMD where available (resize-pil-simd.ts), else as plain integer loops; both give the same bytes.
 */
export function resizePilBilinear(
  source: RgbImage,
  width: number,
  height: number,
  region?: ResizeRegion,
): RgbImage {
  const p = plan(source, width, height, region);
  if (!p.horizontal && !p.vertical) return crop(source, p.region);
  const kernels = pilKernels();
  return kernels ? resizeSimd(source, p, kernels) : resizeScalar(source, p);
}

/** resizePilBilinear on the plain integer path (what runs without WebAssembly SIMD; tests hold both to Pillow). */
export function resizePilBilinearScalar(
  source: RgbImage,
  width: number,
  height: number,
  region?: ResizeRegion,
): RgbImage {
  const p = plan(source, width, height, region);
  if (!p.horizontal && !p.vertical) return crop(source, p.region);
  return resizeScalar(source, p);
}

function crop(source: RgbImage, r: ResizeRegion): RgbImage {
  const out = new Uint8Array(r.width * r.height * 3);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.top + y) * source.width + r.left) * 3;
    out.set(source.data.subarray(from, from + r.width * 3), y * r.width * 3);
  }
  return { width: r.width, height: r.height, data: out };
}

// ---- the plain path ---------------------------------------------------------------------------------------------

/** Rounds a fixed-point sum to a byte as Pillow's clip8 does. */
function clip8(value: number): number {
  return value <= 0 ? 0 : value >= ONE * 256 ? 255 : value >> PRECISION_BITS;
}

/**
 * Horizontal pass over `rows` rows of `src` (row stride `srcStride` bytes, starting at byte `srcOffset`), for output
 * columns [x0, x0 + count) of the taps, whose source columns are counted from `colOffset`.
 */
function horizontalScalar(
  src: Uint8Array,
  srcOffset: number,
  srcStride: number,
  rows: number,
  t: Taps,
  x0: number,
  count: number,
  colOffset: number,
): Uint8Array {
  const out = new Uint8Array(count * rows * 3);
  const { start, count: taps, weights, stride } = t;
  for (let y = 0, o = 0; y < rows; y++) {
    const row = srcOffset + y * srcStride;
    for (let x = x0; x < x0 + count; x++) {
      let r = HALF;
      let g = HALF;
      let b = HALF;
      let at = row + (start[x]! - colOffset) * 3;
      for (let k = x * stride, end = k + taps[x]!; k < end; k++, at += 3) {
        const w = weights[k]!;
        r = (r + Math.imul(src[at]!, w)) | 0;
        g = (g + Math.imul(src[at + 1]!, w)) | 0;
        b = (b + Math.imul(src[at + 2]!, w)) | 0;
      }
      out[o++] = clip8(r);
      out[o++] = clip8(g);
      out[o++] = clip8(b);
    }
  }
  return out;
}

/**
 * Vertical pass: output rows [y0, y0 + count) of the taps, `rowBytes` bytes each, from `src` (row stride
 * `srcStride`, starting at byte `srcOffset`, source rows counted from `rowOffset`).
 */
function verticalScalar(
  src: Uint8Array,
  srcOffset: number,
  srcStride: number,
  rowBytes: number,
  t: Taps,
  y0: number,
  count: number,
  rowOffset: number,
): Uint8Array {
  const out = new Uint8Array(rowBytes * count);
  const sums = new Int32Array(rowBytes);
  const { start, count: taps, weights, stride } = t;
  for (let y = y0, o = 0; y < y0 + count; y++, o += rowBytes) {
    sums.fill(HALF);
    for (let k = 0; k < taps[y]!; k++) {
      const w = weights[y * stride + k]!;
      let s = srcOffset + (start[y]! + k - rowOffset) * srcStride;
      for (let i = 0; i < rowBytes; i++, s++) sums[i] = (sums[i]! + Math.imul(src[s]!, w)) | 0;
    }
    for (let i = 0; i < rowBytes; i++) out[o + i] = clip8(sums[i]!);
  }
  return out;
}

function resizeScalar(source: RgbImage, p: Plan): RgbImage {
  const { horizontal: h, vertical: v, region: r } = p;
  const stride = source.width * 3;
  let data: Uint8Array;
  if (h && v && p.verticalFirst) {
    // Only the source columns the region's pixels are made from go through the vertical pass.
    const columns = p.cols1 - p.cols0;
    const mid = verticalScalar(source.data, p.cols0 * 3, stride, columns * 3, v, r.top, r.height, 0);
    data = horizontalScalar(mid, 0, columns * 3, r.height, h, r.left, r.width, p.cols0);
  } else if (h && v) {
    const rows = p.rows1 - p.rows0;
    const mid = horizontalScalar(source.data, p.rows0 * stride, stride, rows, h, r.left, r.width, 0);
    data = verticalScalar(mid, 0, r.width * 3, r.width * 3, v, r.top, r.height, p.rows0);
  } else if (h) {
    data = horizontalScalar(source.data, r.top * stride, stride, r.height, h, r.left, r.width, 0);
  } else {
    data = verticalScalar(source.data, r.left * 3, stride, r.width * 3, v!, r.top, r.height, 0);
  }
  return { width: r.width, height: r.height, data };
}

// ---- the SIMD path ----------------------------------------------------------------------------------------------

/** Bump allocation in the kernels' memory, 16-byte aligned, with room past each block for the kernels' overreads. */
class Arena {
  private size = 0;
  allot(bytes: number): number {
    const at = this.size;
    this.size += (bytes + 16 + 15) & ~15;
    return at;
  }
  get bytes(): number {
    return this.size;
  }
}

/** Above this the kernels' memory is not kept between calls (a one-off memory is used and dropped). */
const KEEP_MEMORY_BYTES = 64 * 1024 * 1024;

function memoryFor(kernels: PilKernels, bytes: number): WasmMemory {
  const memory = kernels.memory;
  if (memory.buffer.byteLength >= bytes) return memory;
  if (bytes > KEEP_MEMORY_BYTES) return wasmMemory(bytes)!;
  memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
  return memory;
}

/** The horizontal pass's table: per output column in [x0, x0 + count), source byte offset, pairs, weights' address. */
function writeColumns(
  i32: Int32Array,
  at: number,
  t: Taps,
  x0: number,
  count: number,
  colOffset: number,
  weightsAt: number,
): void {
  for (let i = 0, e = at >> 2; i < count; i++, e += 4) {
    const x = x0 + i;
    i32[e] = (t.start[x]! - colOffset) * 3;
    i32[e + 1] = (t.count[x]! + 1) >> 1;
    i32[e + 2] = weightsAt + x * t.pairs * 32;
  }
}

/** The vertical pass's table: per output row in [y0, y0 + count), first source row's byte offset, taps, weights' address. */
function writeRows(
  i32: Int32Array,
  at: number,
  t: Taps,
  y0: number,
  count: number,
  rowOffset: number,
  srcStride: number,
  weightsAt: number,
): void {
  for (let i = 0, e = at >> 2; i < count; i++, e += 4) {
    const y = y0 + i;
    i32[e] = (t.start[y]! - rowOffset) * srcStride;
    i32[e + 1] = t.count[y]!;
    i32[e + 2] = weightsAt + y * t.stride * 4;
  }
}

function resizeSimd(source: RgbImage, p: Plan, kernels: PilKernels): RgbImage {
  const { horizontal: h, vertical: v, region: r } = p;
  const stride = source.width * 3;
  // Only the source rows the region is made from are copied in.
  const arena = new Arena();
  const src = arena.allot((p.rows1 - p.rows0) * stride);
  const hLanes = h ? pairLanes(h) : null;
  const hWeights = hLanes ? arena.allot(hLanes.byteLength) : 0;
  const hTable = h ? arena.allot(r.width * 16) : 0;
  const vWeights = v ? arena.allot(v.weights.byteLength) : 0;
  const vTable = v ? arena.allot(r.height * 16) : 0;
  const columns = p.cols1 - p.cols0;
  const midBytes =
    h && v ? (p.verticalFirst ? r.height * columns * 3 : (p.rows1 - p.rows0) * r.width * 3) : 0;
  const mid = arena.allot(midBytes);
  const out = arena.allot(r.width * r.height * 3);
  const memory = memoryFor(kernels, arena.bytes);
  // Very large images get a one-off instance over a one-off memory, dropped after this call.
  const run = memory === kernels.memory ? kernels : pilKernelsOver(memory)!;
  const bytes = new Uint8Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  bytes.set(source.data.subarray(p.rows0 * stride, p.rows1 * stride), src);
  if (hLanes) bytes.set(new Uint8Array(hLanes.buffer, hLanes.byteOffset, hLanes.byteLength), hWeights);
  if (v) i32.set(v.weights, vWeights >> 2);
  const rowBytes = r.width * 3;
  if (h && v && p.verticalFirst) {
    writeRows(i32, vTable, v, r.top, r.height, p.rows0, stride, vWeights);
    run.vpass(src + p.cols0 * 3, stride, vTable, r.height, columns * 3, mid, columns * 3);
    writeColumns(i32, hTable, h, r.left, r.width, p.cols0, hWeights);
    run.hpass(mid, columns * 3, r.height, hTable, r.width, out, rowBytes);
  } else if (h && v) {
    writeColumns(i32, hTable, h, r.left, r.width, 0, hWeights);
    run.hpass(src, stride, p.rows1 - p.rows0, hTable, r.width, mid, rowBytes);
    writeRows(i32, vTable, v, r.top, r.height, p.rows0, rowBytes, vWeights);
    run.vpass(mid, rowBytes, vTable, r.height, rowBytes, out, rowBytes);
  } else if (h) {
    writeColumns(i32, hTable, h, r.left, r.width, 0, hWeights);
    run.hpass(src + (r.top - p.rows0) * stride, stride, r.height, hTable, r.width, out, rowBytes);
  } else {
    writeRows(i32, vTable, v!, r.top, r.height, p.rows0, stride, vWeights);
    run.vpass(src + r.left * 3, stride, vTable, r.height, rowBytes, out, rowBytes);
  }
  return {
    width: r.width,
    height: r.height,
    data: new Uint8Array(memory.buffer, out, rowBytes * r.height).slice(),
  };
}
