import { verticalBlend } from './resize';
/** How 8-bit pixel values become model input values (metadata.json's `preprocessing`). */
export interface Normalisation {
  colorOrder: 'RGB' | 'BGR';
  /** Pixel value multiplier before mean/std (1/255 for Ultralytics). */
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
}

/**
 * An NCHW float32 tensor (batch of one) written row by row from RGB pixels. Each of the 256 values per channel is
 * normalised once into a lookup table, so laying out a row is three table reads per pixel.
 */
export class NchwWriter {
  readonly tensor: Float32Array;
  private readonly table = new Float32Array(3 * 256);
  /** Where each source channel (R, G, B) goes: the start of its plane in the tensor. */
  private readonly planeStart: [number, number, number];

  constructor(
    readonly width: number,
    readonly height: number,
    norm: Normalisation,
  ) {
    const plane = width * height;
    this.tensor = new Float32Array(plane * 3);
    // Division, not multiplication by 1/255, so values equal torch's `im / 255` bit for bit.
    const divisor = Math.abs(norm.scale - 1 / 255) < 1e-12 ? 255 : 1 / norm.scale;
    const plain = norm.mean.every((m) => m === 0) && norm.std.every((s) => s === 1);
    const outputChannel = (source: number) => (norm.colorOrder === 'BGR' ? 2 - source : source);
    for (let source = 0; source < 3; source++) {
      const channel = outputChannel(source);
      for (let v = 0; v < 256; v++) {
        const value = v / divisor;
        this.table[source * 256 + v] = plain ? value : (value - norm.mean[channel]!) / norm.std[channel]!;
      }
    }
    this.planeStart = [outputChannel(0) * plane, outputChannel(1) * plane, outputChannel(2) * plane];
  }

  /** Sets `count` positions from `at` (y × width + x) to what a grey pixel of `value` (e.g. padding) becomes. */
  fill(value: number, at = 0, count = this.width * this.height - at): void {
    const byte = Uint8Array.of(value)[0]!;
    for (let source = 0; source < 3; source++) {
      const start = this.planeStart[source]! + at;
      this.tensor.fill(this.table[source * 256 + byte]!, start, start + count);
    }
  }

  /** Writes `count` RGB pixels blended from two horizontally resized rows (see BlendSink) at pixel position `at`. */
  blendedRow(upper: Int32Array, lower: Int32Array, b0: number, b1: number, count: number, at: number): void {
    const t = this.tensor;
    const table = this.table;
    const [r, g, b] = this.rowStarts(at);
    for (let i = 0, p = 0; i < count; i++, p += 3) {
      t[r + i] = table[verticalBlend(upper[p]!, lower[p]!, b0, b1)]!;
      t[g + i] = table[256 + verticalBlend(upper[p + 1]!, lower[p + 1]!, b0, b1)]!;
      t[b + i] = table[512 + verticalBlend(upper[p + 2]!, lower[p + 2]!, b0, b1)]!;
    }
  }

  /** What each byte of each source channel becomes: 256 floats for R, then G, then B. */
  get lookup(): Float32Array {
    return this.table;
  }

  /** Writes `count` pixels given as planes of values already looked up (R's, then G's, then B's) at position `at`. */
  planarRow(planes: Float32Array, count: number, at: number): void {
    const [r, g, b] = this.rowStarts(at);
    this.tensor.set(planes.subarray(0, count), r);
    this.tensor.set(planes.subarray(count, 2 * count), g);
    this.tensor.set(planes.subarray(2 * count, 3 * count), b);
  }

  /** Where pixel position `at` lies in each output plane, for source channels R, G, B. */
  private rowStarts(at: number): [number, number, number] {
    return [this.planeStart[0] + at, this.planeStart[1] + at, this.planeStart[2] + at];
  }

  /** Writes `count` RGB pixels from `pixels` starting at pixel position `at` (y × width + x). */
  row(pixels: Uint8Array, count: number, at: number): void {
    const t = this.tensor;
    const table = this.table;
    const [r, g, b] = this.rowStarts(at);
    for (let i = 0, p = 0; i < count; i++, p += 3) {
      t[r + i] = table[pixels[p]!]!;
      t[g + i] = table[256 + pixels[p + 1]!]!;
      t[b + i] = table[512 + pixels[p + 2]!]!;
    }
  }
}
