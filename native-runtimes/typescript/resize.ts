import type { RgbImage } from './image';
import { HROW_PIXEL_BYTES, linearKernels, TAP_BYTES } from './resize-linear-simd';

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

/** cvRound for a float32 value: round half to even, as saturate_cast<short>(float) does. */
function roundHalfEvenToShort(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  const rounded = fraction > 0.5 ? floor + 1 : fraction < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return Math.max(-32768, Math.min(32767, rounded));
}

interface AxisTaps {
  index: Int32Array;
  weight0: Int32Array;
  weight1: Int32Array;
}

/**
 * Source index and fixed-point weights for each destination coordinate, computed in float32 exactly as
 * OpenCV's resizeGeneric does for INTER_LINEAR (half-pixel centres, edges clamped).
 */
function axisTaps(sourceSize: number, destSize: number, clampWeights: boolean): AxisTaps {
  const scale = 1 / (destSize / sourceSize);
  const index = new Int32Array(destSize);
  const weight0 = new Int32Array(destSize);
  const weight1 = new Int32Array(destSize);
  for (let d = 0; d < destSize; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    // Columns clamp their weights at the edges; rows keep them and clamp the row index instead.
    if (clampWeights && s < 0) {
      f = 0;
      s = 0;
    }
    if (clampWeights && s >= sourceSize - 1) {
      f = 0;
      s = sourceSize - 1;
    }
    index[d] = s;
    weight0[d] = roundHalfEvenToShort(Math.fround(Math.fround(1 - f) * COEF_SCALE));
    weight1[d] = roundHalfEvenToShort(Math.fround(f * COEF_SCALE));
  }
  return { index, weight0, weight1 };
}

/**
 * Per output pixel, four ints side by side (they are read together): the byte offsets of both source taps within a
 * row (the right one clamped at the edge) and their weights.
 */
function columnTaps(sourceWidth: number, width: number): Int32Array {
  const xs = axisTaps(sourceWidth, width, true);
  const taps = new Int32Array(width * 4);
  for (let x = 0; x < width; x++) {
    const s = xs.index[x]!;
    taps[x * 4] = s * 3;
    taps[x * 4 + 1] = (s < sourceWidth - 1 ? s + 1 : s) * 3;
    taps[x * 4 + 2] = xs.weight0[x]!;
    taps[x * 4 + 3] = xs.weight1[x]!;
  }
  return taps;
}

/** OpenCV's horizontal pass over one source row: two taps per pixel, kept as fixed-point ints. */
function horizontalPass(src: Uint8Array, base: number, taps: Int32Array, into: Int32Array): void {
  for (let t = 0, o = 0; t < taps.length; t += 4, o += 3) {
    const s0 = base + taps[t]!;
    const s1 = base + taps[t + 1]!;
    const a0 = taps[t + 2]!;
    const a1 = taps[t + 3]!;
    into[o] = src[s0]! * a0 + src[s1]! * a1;
    into[o + 1] = src[s0 + 1]! * a0 + src[s1 + 1]! * a1;
    into[o + 2] = src[s0 + 2]! * a0 + src[s1 + 2]! * a1;
  }
}

/**
 * OpenCV's vectorised vertical pass (VResizeLinearVec_32s8u): 16-bit high products, then a rounding shift. With
 * weights in [0, 2048] summing to 2048 the result is always within 0–255, so it needs no saturation.
 */
export function verticalBlend(upper: number, lower: number, b0: number, b1: number): number {
  return ((((upper >> 4) * b0) >> 16) + (((lower >> 4) * b1) >> 16) + 2) >> 2;
}

function verticalPass(row0: Int32Array, row1: Int32Array, b0: number, b1: number, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) out[i] = verticalBlend(row0[i]!, row1[i]!, b0, b1);
}

/** Receives each output row in turn; `pixels` (RGB, width × 3 bytes) is reused for the next row. */
export type RowSink = (y: number, pixels: Uint8Array) => void;

/**
 * Receives an interpolated output row before its vertical pass: the horizontal passes of its two source rows
 * (fixed-point, RGB interleaved) and their weights; byte i of the row is verticalBlend(upper[i], lower[i], b0, b1).
 * Lets a caller lay the row out (e.g. as normalised floats) without writing the bytes first.
 */
export type BlendSink = (y: number, upper: Int32Array, lower: Int32Array, b0: number, b1: number) => void;

type Slot = 0 | 1;

/** Per output row, four ints: the two source rows it blends (clamped to the image) and their weights. */
function rowPlan(sourceHeight: number, height: number): Int32Array {
  const ys = axisTaps(sourceHeight, height, false);
  const lastRow = sourceHeight - 1;
  const clampRow = (row: number) => (row < 0 ? 0 : row > lastRow ? lastRow : row);
  const rows = new Int32Array(height * 4);
  for (let y = 0; y < height; y++) {
    rows.set([clampRow(ys.index[y]!), clampRow(ys.index[y]! + 1), ys.weight0[y]!, ys.weight1[y]!], y * 4);
  }
  return rows;
}

/**
 * Walks the output rows of a rowPlan keeping the horizontal passes of two source rows in two slots (consecutive
 * output rows often share one): `pass(row, slot)` fills a slot with a source row's horizontal pass,
 * `emit(y, upper, lower, b0, b1)` gets each output row's two slots and vertical weights.
 */
function walkRows(
  rows: Int32Array,
  pass: (row: number, slot: Slot) => void,
  emit: (y: number, upper: Slot, lower: Slot, b0: number, b1: number) => void,
): void {
  const held = [-1, -1];
  const slotOf = (row: number): Slot | -1 => (held[0] === row ? 0 : held[1] === row ? 1 : -1);
  for (let y = 0, at = 0; at < rows.length; y++, at += 4) {
    const row0 = rows[at]!;
    const row1 = rows[at + 1]!;
    let upper = slotOf(row0);
    if (upper === -1) {
      upper = held[0] === row1 ? 1 : 0;
      pass(row0, upper);
      held[upper] = row0;
    }
    let lower = slotOf(row1);
    if (lower === -1) {
      lower = upper === 0 ? 1 : 0;
      pass(row1, lower);
      held[lower] = row1;
    }
    emit(y, upper, lower, rows[at + 2]!, rows[at + 3]!);
  }
}

/**
 * Bilinear resize matching cv2.resize(..., interpolation=cv2.INTER_LINEAR) on 8-bit images, including its
 * fixed-point arithmetic, handing each output row to `sink` so callers can lay it out where they need it
 * without a whole intermediate image (or, for interpolated rows, to `blendSink` before the vertical pass).
 */
export function resizeRowsBilinear(
  source: RgbImage,
  width: number,
  height: number,
  sink: RowSink,
  blendSink?: BlendSink,
): void {
  const rowLength = width * 3;
  const src = source.data;
  if (source.width === width && source.height === height) {
    for (let y = 0; y < height; y++) sink(y, src.subarray(y * rowLength, (y + 1) * rowLength));
    return;
  }
  if (source.width === width * 2 && source.height === height * 2) {
    halveRows(source, sink);
    return;
  }
  const taps = columnTaps(source.width, width);
  const sourceRowLength = source.width * 3;
  const rows = [new Int32Array(rowLength), new Int32Array(rowLength)] as const;
  const out = new Uint8Array(rowLength);
  walkRows(
    rowPlan(source.height, height),
    (row, slot) => horizontalPass(src, row * sourceRowLength, taps, rows[slot]),
    (y, upper, lower, b0, b1) => {
      if (blendSink) {
        blendSink(y, rows[upper], rows[lower], b0, b1);
      } else {
        verticalPass(rows[upper], rows[lower], b0, b1, out);
        sink(y, out);
      }
    },
  );
}

/**
 * The SIMD kernels' plan: per output column three ints (the byte offset of its left source pixel, the weights of it
 * and of the next one) and the rowPlan. OpenCV's two special cases are weightings of the same kernels: the same size
 * is a copy (weights 2048, 0 on both axes: ((p·2048 >> 4)·2048 >> 16 + 2) >> 2 = p), an exact halving the mean of
 * each 2×2 block (2048, 2048 across, 512, 512 down: ((p0 + p1) + (p2 + p3) + 2) >> 2, INTER_AREA's rounding).
 */
function simdPlan(
  source: RgbImage,
  width: number,
  height: number,
): { columns: Int32Array; rows: Int32Array } {
  const columns = new Int32Array(width * 3);
  const same = source.width === width && source.height === height;
  if (same || (source.width === width * 2 && source.height === height * 2)) {
    const step = same ? 1 : 2;
    const rows = new Int32Array(height * 4);
    for (let x = 0; x < width; x++) columns.set([x * step * 3, 2048, same ? 0 : 2048], x * 3);
    for (let y = 0; y < height; y++)
      rows.set([y * step, y * step + step - 1, same ? 2048 : 512, same ? 0 : 512], y * 4);
    return { columns, rows };
  }
  // The right pixel is always the next one: where columnTaps clamps it (the last column), its weight is 0.
  const taps = columnTaps(source.width, width);
  for (let x = 0; x < width; x++) columns.set([taps[x * 4]!, taps[x * 4 + 2]!, taps[x * 4 + 3]!], x * 3);
  return { columns, rows: rowPlan(source.height, height) };
}

/** Receives an output row as three planes of `width` floats each (source channels R, G, B), reused for the next. */
export type PlanarSink = (y: number, planes: Float32Array) => void;

const align16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * resizeRowsBilinear on WebAssembly SIMD kernels (resize-linear-simd.ts), the same bytes, each output row laid out
 * through `table` (3 × 256 floats: what each byte of channel R, G, B becomes, as NchwWriter's) and handed to `sink`
 * as planes. False, having done nothing, where WebAssembly SIMD is not available: the caller then runs
 * resizeRowsBilinear.
 */
export function resizeRowsBilinearSimd(
  source: RgbImage,
  width: number,
  height: number,
  table: Float32Array,
  sink: PlanarSink,
): boolean {
  const sourceRowLength = source.width * 3;
  // The kernels' memory: one source row (with room for the last pixel's 8-byte load), the taps, two horizontal
  // passes, the table and one output row.
  const srcAt = 0;
  const tapsAt = align16(sourceRowLength + 16);
  const slotAt = [tapsAt + width * TAP_BYTES, tapsAt + width * (TAP_BYTES + HROW_PIXEL_BYTES)] as const;
  const tableAt = tapsAt + width * (TAP_BYTES + 2 * HROW_PIXEL_BYTES);
  const outAt = tableAt + 3 * 256 * 4;
  const kernels = linearKernels(outAt + width * 3 * 4);
  if (!kernels) return false;
  const { buffer } = kernels.memory;
  const bytes = new Uint8Array(buffer);
  const plan = simdPlan(source, width, height);
  writeSimdTaps(buffer, tapsAt, plan.columns);
  new Float32Array(buffer, tableAt, 3 * 256).set(table);
  const planes = new Float32Array(buffer, outAt, width * 3);
  const src = source.data;
  walkRows(
    plan.rows,
    (row, slot) => {
      bytes.set(src.subarray(row * sourceRowLength, (row + 1) * sourceRowLength), srcAt);
      kernels.hrow(srcAt, tapsAt, width, slotAt[slot]);
    },
    (y, upper, lower, b0, b1) => {
      kernels.vrow(slotAt[upper], slotAt[lower], b0, b1, width, tableAt, outAt);
      sink(y, planes);
    },
  );
  return true;
}

/** hrow's taps from simdPlan's columns: per output pixel the byte offset, then the lanes (a0 a1 a0 a1 a0 a1 0 0). */
function writeSimdTaps(buffer: ArrayBuffer, at: number, columns: Int32Array): void {
  const width = columns.length / 3;
  const i32 = new Int32Array(buffer, at, (width * TAP_BYTES) >> 2);
  const i16 = new Int16Array(buffer, at, (width * TAP_BYTES) >> 1);
  for (let x = 0; x < width; x++) {
    i32[x * 8] = columns[x * 3]!;
    for (let c = 0; c < 3; c++) {
      i16[x * 16 + 8 + c * 2] = columns[x * 3 + 1]!;
      i16[x * 16 + 9 + c * 2] = columns[x * 3 + 2]!;
    }
  }
}

/** The whole resized image (see resizeRowsBilinear). */
export function resizeBilinear(source: RgbImage, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  resizeRowsBilinear(source, width, height, (y, pixels) => data.set(pixels, y * width * 3));
  return { width, height, data };
}

/** OpenCV switches INTER_LINEAR to INTER_AREA for an exact 2x shrink: each pixel is its 2x2 block's mean. */
function halveRows(source: RgbImage, sink: RowSink): void {
  const width = source.width / 2;
  const height = source.height / 2;
  const out = new Uint8Array(width * 3);
  const stride = source.width * 3;
  const src = source.data;
  for (let y = 0; y < height; y++) {
    const rowStart = y * 2 * stride;
    for (let x = 0; x < width; x++) {
      const s = rowStart + x * 6;
      const o = x * 3;
      out[o] = (src[s]! + src[s + 3]! + src[s + stride]! + src[s + stride + 3]! + 2) >> 2;
      out[o + 1] = (src[s + 1]! + src[s + 4]! + src[s + stride + 1]! + src[s + stride + 4]! + 2) >> 2;
      out[o + 2] = (src[s + 2]! + src[s + 5]! + src[s + stride + 2]! + src[s + stride + 5]! + 2) >> 2;
    }
    sink(y, out);
  }
}
