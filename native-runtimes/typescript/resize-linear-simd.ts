/**
 * cv2's INTER_LINEAR resize of 8-bit RGB (resize.ts) as WebAssembly SIMD kernels, assembled from their instructions
 * (wasm-assembly.ts), with the same fixed-point arithmetic as resize.ts and so the same bytes, laid out straight as
 * the model's float input.
 *
 * hrow (horizontal pass of one source row): per output pixel an 8-byte load holds the RGB of its two source pixels;
 * a byte shuffle makes them the 16-bit lanes (R0 R1 G0 G1 B0 B1 0 0) and i32x4.dot_i16x8_s with the lanes
 * (a0 a1 a0 a1 a0 a1 0 0) of its 11-bit weights gives (R G B 0) as exact int32 sums, stored 16 bytes per pixel.
 *
 * vrow (vertical pass and layout of one output row): per pixel, resize.ts's verticalBlend on all three channels at
 * once, ((((upper >> 4) · b0) >> 16) + (((lower >> 4) · b1) >> 16) + 2) >> 2 (32-bit products, exact), then each
 * channel's byte through its normalisation table (NchwWriter's) into its own plane of the row.
 */
import type { Code, KernelFunction, WasmMemory } from './wasm-assembly';
import {
  add,
  advance,
  countdownLoop,
  f32Load,
  f32Store,
  get,
  i32,
  i32x4Add,
  i32x4Const,
  i32x4Dot,
  i32x4ExtractLane,
  i32x4Mul,
  i32x4ShrS,
  i32x4Splat,
  kernelModule,
  sharedKernels,
  load32,
  load64Zero,
  mul,
  PAIR_LANES,
  returnIfZero,
  set,
  shl,
  swizzle,
  tee,
  v128Const,
  v128Load,
  v128Store,
} from './wasm-assembly';

/** Bytes per output pixel in hrow's tap table: the source byte offset (i32, then 12 unused bytes), then the lanes. */
export const TAP_BYTES = 32;
/** Bytes per pixel of a horizontally resized row: (R G B 0) as int32. */
export const HROW_PIXEL_BYTES = 16;

/** hrow(src, taps, count, dst): the horizontal pass of the source row at `src` into `count` pixels at `dst`. */
function hrow(): KernelFunction {
  const [src, taps, count, dst] = [0, 1, 2, 3];
  const mask = 4;
  const body: Code = [
    ...returnIfZero(count),
    ...v128Const(PAIR_LANES),
    ...set(mask),
    ...countdownLoop(count, [
      ...get(dst),
      ...get(src),
      ...get(taps),
      ...load32(0),
      ...add,
      ...load64Zero(),
      ...get(mask),
      ...swizzle,
      ...get(taps),
      ...v128Load(16),
      ...i32x4Dot,
      ...v128Store(0),
      ...advance(dst, HROW_PIXEL_BYTES),
      ...advance(taps, TAP_BYTES),
    ]),
  ];
  return { name: 'hrow', params: 4, locals: { i32: 0, v128: 1 }, body };
}

/**
 * vrow(upper, lower, b0, b1, count, table, out): blends `count` pixels of two horizontally resized rows with weights
 * b0, b1 and writes each channel's table value (table: 3 × 256 float32, R's then G's then B's) at out (R plane),
 * out + 4·count (G) and out + 8·count (B).
 */
function vrow(): KernelFunction {
  const [upper, lower, b0, b1, count, table, out] = [0, 1, 2, 3, 4, 5, 6];
  const [green, blue] = [7, 8];
  const [w0, w1, two, v] = [9, 10, 11, 12];
  const weighted = (row: number, weight: number): Code => [
    ...get(row),
    ...v128Load(0),
    ...i32(4),
    ...i32x4ShrS,
    ...get(weight),
    ...i32x4Mul,
    ...i32(16),
    ...i32x4ShrS,
  ];
  const channel = (plane: number, lane: number): Code => [
    ...get(plane),
    ...get(table),
    ...get(v),
    ...i32x4ExtractLane(lane),
    ...i32(2),
    ...shl,
    ...add,
    ...f32Load(lane * 1024),
    ...f32Store(0),
  ];
  const body: Code = [
    ...returnIfZero(count),
    ...get(b0),
    ...i32x4Splat,
    ...set(w0),
    ...get(b1),
    ...i32x4Splat,
    ...set(w1),
    ...i32x4Const(2),
    ...set(two),
    ...get(out),
    ...get(count),
    ...i32(4),
    ...mul,
    ...add,
    ...tee(green),
    ...get(count),
    ...i32(4),
    ...mul,
    ...add,
    ...set(blue),
    ...countdownLoop(count, [
      ...weighted(upper, w0),
      ...weighted(lower, w1),
      ...i32x4Add,
      ...get(two),
      ...i32x4Add,
      ...i32(2),
      ...i32x4ShrS,
      ...set(v),
      ...channel(out, 0),
      ...channel(green, 1),
      ...channel(blue, 2),
      ...advance(upper, HROW_PIXEL_BYTES),
      ...advance(lower, HROW_PIXEL_BYTES),
      ...advance(out, 4),
      ...advance(green, 4),
      ...advance(blue, 4),
    ]),
  ];
  return { name: 'vrow', params: 7, locals: { i32: 2, v128: 4 }, body };
}

export function linearResampleModule(): Uint8Array {
  return kernelModule([hrow(), vrow()]);
}

export interface LinearKernels {
  memory: WasmMemory;
  hrow: (src: number, taps: number, count: number, dst: number) => void;
  vrow: (
    upper: number,
    lower: number,
    b0: number,
    b1: number,
    count: number,
    table: number,
    out: number,
  ) => void;
}

const kernels = sharedKernels(linearResampleModule);

/**
 * The kernels over their own memory, grown to at least `bytes` and kept (they work a row at a time, so it stays at
 * a few rows' size), or null without WebAssembly SIMD.
 */
export function linearKernels(bytes: number): LinearKernels | null {
  const found = kernels(bytes);
  return found ? { memory: found.memory, hrow: found.exports.hrow!, vrow: found.exports.vrow! } : null;
}
