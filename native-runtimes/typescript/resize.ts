import type { RgbImage } from './image';

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

/** horizontalPass over two source rows at once (the usual case when shrinking): each pixel's taps read once. */
function horizontalPassPair(
  src: Uint8Array,
  base0: number,
  base1: number,
  taps: Int32Array,
  into0: Int32Array,
  into1: Int32Array,
): void {
  for (let t = 0, o = 0; t < taps.length; t += 4, o += 3) {
    const p0 = taps[t]!;
    const p1 = taps[t + 1]!;
    const a0 = taps[t + 2]!;
    const a1 = taps[t + 3]!;
    let s0 = base0 + p0;
    let s1 = base0 + p1;
    into0[o] = src[s0]! * a0 + src[s1]! * a1;
    into0[o + 1] = src[s0 + 1]! * a0 + src[s1 + 1]! * a1;
    into0[o + 2] = src[s0 + 2]! * a0 + src[s1 + 2]! * a1;
    s0 = base1 + p0;
    s1 = base1 + p1;
    into1[o] = src[s0]! * a0 + src[s1]! * a1;
    into1[o + 1] = src[s0 + 1]! * a0 + src[s1 + 1]! * a1;
    into1[o + 2] = src[s0 + 2]! * a0 + src[s1 + 2]! * a1;
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
  const ys = axisTaps(source.height, height, false);
  const sourceRowLength = source.width * 3;
  const lastRow = source.height - 1;
  // Horizontal passes of the two source rows the current output row blends; consecutive rows often share one.
  let upper = new Int32Array(rowLength);
  let lower = new Int32Array(rowLength);
  let upperRow = -1;
  let lowerRow = -1;
  const out = new Uint8Array(rowLength);
  for (let y = 0; y < height; y++) {
    const top = ys.index[y]!;
    const row0 = top < 0 ? 0 : top > lastRow ? lastRow : top;
    const row1 = top + 1 < 0 ? 0 : top + 1 > lastRow ? lastRow : top + 1;
    if (row0 !== upperRow && row0 !== lowerRow && row1 !== lowerRow) {
      horizontalPassPair(src, row0 * sourceRowLength, row1 * sourceRowLength, taps, upper, lower);
      upperRow = row0;
      lowerRow = row1;
    } else if (row0 !== upperRow) {
      if (row0 === lowerRow) {
        [upper, lower] = [lower, upper];
        upperRow = row0;
        lowerRow = -1;
      } else {
        horizontalPass(src, row0 * sourceRowLength, taps, upper);
        upperRow = row0;
      }
    }
    if (row1 !== lowerRow) {
      horizontalPass(src, row1 * sourceRowLength, taps, lower);
      lowerRow = row1;
    }
    if (blendSink) {
      blendSink(y, upper, lower, ys.weight0[y]!, ys.weight1[y]!);
    } else {
      verticalPass(upper, lower, ys.weight0[y]!, ys.weight1[y]!, out);
      sink(y, out);
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
