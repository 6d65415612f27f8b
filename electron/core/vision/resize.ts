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
 * Bilinear resize matching cv2.resize(..., interpolation=cv2.INTER_LINEAR) on 8-bit images, including its
 * fixed-point arithmetic, so preprocessing agrees with Ultralytics' predictor pixel for pixel.
 */
export function resizeBilinear(source: RgbImage, width: number, height: number): RgbImage {
  if (source.width === width && source.height === height) {
    return { width, height, data: source.data.slice() };
  }
  if (source.width === width * 2 && source.height === height * 2) return halve(source);
  const xs = axisTaps(source.width, width, true);
  const ys = axisTaps(source.height, height, false);
  const rowLength = width * 3;
  const horizontal = (sourceRow: number, into: Int32Array): void => {
    const base = sourceRow * source.width * 3;
    const src = source.data;
    const lastColumn = source.width - 1;
    for (let x = 0; x < width; x++) {
      const s0 = base + xs.index[x]! * 3;
      const s1 = xs.index[x]! < lastColumn ? s0 + 3 : s0;
      const a0 = xs.weight0[x]!;
      const a1 = xs.weight1[x]!;
      const o = x * 3;
      into[o] = src[s0]! * a0 + src[s1]! * a1;
      into[o + 1] = src[s0 + 1]! * a0 + src[s1 + 1]! * a1;
      into[o + 2] = src[s0 + 2]! * a0 + src[s1 + 2]! * a1;
    }
  };

  const out = new Uint8Array(rowLength * height);
  const cache = [new Int32Array(rowLength), new Int32Array(rowLength)];
  const cachedRow = [-1, -1];
  const rowBuffer = (sourceRow: number): Int32Array => {
    const clamped = Math.min(Math.max(sourceRow, 0), source.height - 1);
    for (let i = 0; i < 2; i++) if (cachedRow[i] === clamped) return cache[i]!;
    const slot = cachedRow[0]! < cachedRow[1]! ? 0 : 1;
    cachedRow[slot] = clamped;
    horizontal(clamped, cache[slot]!);
    return cache[slot]!;
  };

  for (let y = 0; y < height; y++) {
    const top = ys.index[y]!;
    const row0 = rowBuffer(top);
    const row1 = rowBuffer(top + 1);
    const b0 = ys.weight0[y]!;
    const b1 = ys.weight1[y]!;
    const o = y * rowLength;
    for (let i = 0; i < rowLength; i++) {
      // OpenCV's vectorised vertical pass (VResizeLinearVec_32s8u): 16-bit high products, then a rounding shift.
      const value = ((((row0[i]! >> 4) * b0) >> 16) + (((row1[i]! >> 4) * b1) >> 16) + 2) >> 2;
      out[o + i] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  return { width, height, data: out };
}

/** OpenCV switches INTER_LINEAR to INTER_AREA for an exact 2x shrink: each pixel is its 2x2 block's mean. */
function halve(source: RgbImage): RgbImage {
  const width = source.width / 2;
  const height = source.height / 2;
  const out = new Uint8Array(width * height * 3);
  const stride = source.width * 3;
  const src = source.data;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = y * 2 * stride + x * 6;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        out[o + c] =
          (src[s + c]! + src[s + 3 + c]! + src[s + stride + c]! + src[s + stride + 3 + c]! + 2) >> 2;
      }
    }
  }
  return { width, height, data: out };
}
