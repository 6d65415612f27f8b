/**
 * The two passes of Pillow's 8-bit resampling (resize-pil.ts) as WebAssembly SIMD kernels, assembled here from
 * their instructions (no build step, no binary file): the same integer arithmetic as Pillow's C loops, so the same
 * bytes, several pixels' worth of multiply-adds per instruction.
 *
 * Horizontal pass (hpass): each output pixel sums its taps two at a time. An 8-byte load holds the RGB of two
 * neighbouring source pixels; a byte shuffle turns it into the 16-bit lanes (R0 R1 G0 G1 B0 B1 0 0), and
 * i32x4.dot_i16x8_s multiplies them by the two taps' weights and adds the pairs, giving (R G B 0) in one step. The
 * weights have 22 fractional bits, too many for 16-bit lanes, so each is split into w = hi·2^11 + lo (both < 2^12)
 * and the sum is (Σ px·hi)·2^11 + Σ px·lo: exact, as every partial sum stays below 2^31.
 *
 * Vertical pass (vpass): 16 bytes of a row at a time, widened to four i32x4 and multiplied by the row's weight
 * (32-bit products, exact), summed over the taps.
 *
 * Both round as Pillow does: (sum + 2^21) >> 22; with non-negative weights summing to about 2^22 the result is
 * always 0–255, so the saturating narrows that pack it back into bytes never clip.
 */

import type { Code, KernelFunction, WasmMemory } from './wasm-assembly';
import {
  add,
  brIf,
  end,
  get,
  i16x8ExtendHighU,
  i16x8ExtendLowU,
  i16x8NarrowU,
  i32,
  i32x4Add,
  i32x4Const,
  i32x4Dot,
  i32x4ExtendHighU,
  i32x4ExtendLowU,
  i32x4Mul,
  i32x4Shl,
  i32x4ShrS,
  i8x16NarrowU,
  kernelCompiler,
  sharedKernels,
  advance,
  decrement,
  kernelModule,
  load32,
  load32Splat,
  load64Zero,
  loop,
  ltU,
  mul,
  PAIR_LANES,
  returnIfZero,
  set,
  store32Lane,
  swizzle,
  tee,
  v128Const,
  v128Load,
  v128Store,
} from './wasm-assembly';

const HALF = 1 << 21;

/**
 * hpass(src, srcStride, rows, xtab, xcount, dst, dstStride): for each of `rows` rows, each of `xcount` output
 * pixels described at xtab (16 bytes each: source byte offset within the row, number of tap pairs, address of the
 * pairs' weights — 32 bytes per pair: lo then hi lanes), writes its RGB at dst (4 bytes are stored, the 4th being
 * the next pixel's first, rewritten after).
 */
function hpass(): KernelFunction {
  const [src, srcStride, rows, xtab, xcount, dst, dstStride] = [0, 1, 2, 3, 4, 5, 6];
  const [row, entry, out, x, p, w, n, rowSrc] = [7, 8, 9, 10, 11, 12, 13, 14];
  const [lo, hi, px, mask] = [15, 16, 17, 18];
  const body: Code = [
    ...returnIfZero(rows),
    ...returnIfZero(xcount),
    ...v128Const(PAIR_LANES),
    ...set(mask),
    ...i32(0),
    ...set(row),
    ...loop, // rows
    ...get(src),
    ...get(row),
    ...get(srcStride),
    ...mul,
    ...add,
    ...set(rowSrc),
    ...get(dst),
    ...get(row),
    ...get(dstStride),
    ...mul,
    ...add,
    ...set(out),
    ...get(xtab),
    ...set(entry),
    ...get(xcount),
    ...set(x),
    ...loop, // output pixels
    ...get(rowSrc),
    ...get(entry),
    ...load32(0),
    ...add,
    ...set(p),
    ...get(entry),
    ...load32(4),
    ...set(n),
    ...get(entry),
    ...load32(8),
    ...set(w),
    ...i32x4Const(0),
    ...tee(lo),
    ...set(hi),
    ...loop, // tap pairs
    ...get(p),
    ...load64Zero(),
    ...get(mask),
    ...swizzle,
    ...tee(px),
    ...get(w),
    ...v128Load(0),
    ...i32x4Dot,
    ...get(lo),
    ...i32x4Add,
    ...set(lo),
    ...get(px),
    ...get(w),
    ...v128Load(16),
    ...i32x4Dot,
    ...get(hi),
    ...i32x4Add,
    ...set(hi),
    ...advance(p, 6),
    ...advance(w, 32),
    ...decrement(n),
    ...brIf(0),
    ...end,
    // (hi << 11) + lo + 2^21 >> 22, packed into bytes (lanes 0–2 are R, G, B).
    ...get(out),
    ...get(hi),
    ...i32(11),
    ...i32x4Shl,
    ...get(lo),
    ...i32x4Add,
    ...i32x4Const(HALF),
    ...i32x4Add,
    ...i32(22),
    ...i32x4ShrS,
    ...tee(px),
    ...get(px),
    ...i16x8NarrowU,
    ...tee(px),
    ...get(px),
    ...i8x16NarrowU,
    ...store32Lane(0),
    ...advance(out, 3),
    ...advance(entry, 16),
    ...decrement(x),
    ...brIf(0),
    ...end,
    ...get(row),
    ...i32(1),
    ...add,
    ...tee(row),
    ...get(rows),
    ...ltU,
    ...brIf(0),
    ...end,
  ];
  return { name: 'hpass', params: 7, locals: { i32: 8, v128: 4 }, body };
}

/**
 * vpass(src, srcStride, ytab, ycount, rowBytes, dst, dstStride): for each of `ycount` output rows described at ytab
 * (16 bytes each: byte offset of its first source row, number of taps, address of its 32-bit weights), writes
 * `rowBytes` bytes (rounded up to 16: up to 15 more are stored, rewritten by the next row) at dst.
 */
function vpass(): KernelFunction {
  const [src, srcStride, ytab, ycount, rowBytes, dst, dstStride] = [0, 1, 2, 3, 4, 5, 6];
  const [entry, out, y, base, w0, n0, c, p, w, n] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const [a0, a1, a2, a3, v, ws, half] = [17, 18, 19, 20, 21, 22, 23];
  const accumulate = (acc: number, widen: Code, part: Code): Code => [
    ...get(v),
    ...widen,
    ...part,
    ...get(ws),
    ...i32x4Mul,
    ...get(acc),
    ...i32x4Add,
    ...set(acc),
  ];
  const shifted = (acc: number): Code => [...get(acc), ...i32(22), ...i32x4ShrS];
  const body: Code = [
    ...returnIfZero(ycount),
    ...i32x4Const(HALF),
    ...set(half),
    ...get(ytab),
    ...set(entry),
    ...get(dst),
    ...set(out),
    ...get(ycount),
    ...set(y),
    ...loop, // output rows
    ...get(src),
    ...get(entry),
    ...load32(0),
    ...add,
    ...set(base),
    ...get(entry),
    ...load32(4),
    ...set(n0),
    ...get(entry),
    ...load32(8),
    ...set(w0),
    ...i32(0),
    ...set(c),
    ...loop, // 16-byte columns
    ...get(half),
    ...tee(a0),
    ...tee(a1),
    ...tee(a2),
    ...set(a3),
    ...get(base),
    ...get(c),
    ...add,
    ...set(p),
    ...get(w0),
    ...set(w),
    ...get(n0),
    ...set(n),
    ...loop, // taps
    ...get(p),
    ...v128Load(0),
    ...set(v),
    ...get(w),
    ...load32Splat(0),
    ...set(ws),
    ...accumulate(a0, i16x8ExtendLowU, i32x4ExtendLowU),
    ...accumulate(a1, i16x8ExtendLowU, i32x4ExtendHighU),
    ...accumulate(a2, i16x8ExtendHighU, i32x4ExtendLowU),
    ...accumulate(a3, i16x8ExtendHighU, i32x4ExtendHighU),
    ...get(p),
    ...get(srcStride),
    ...add,
    ...set(p),
    ...advance(w, 4),
    ...decrement(n),
    ...brIf(0),
    ...end,
    ...get(out),
    ...get(c),
    ...add,
    ...shifted(a0),
    ...shifted(a1),
    ...i16x8NarrowU,
    ...shifted(a2),
    ...shifted(a3),
    ...i16x8NarrowU,
    ...i8x16NarrowU,
    ...v128Store(0),
    ...get(c),
    ...i32(16),
    ...add,
    ...tee(c),
    ...get(rowBytes),
    ...ltU,
    ...brIf(0),
    ...end,
    ...get(out),
    ...get(dstStride),
    ...add,
    ...set(out),
    ...advance(entry, 16),
    ...decrement(y),
    ...brIf(0),
    ...end,
  ];
  return { name: 'vpass', params: 7, locals: { i32: 10, v128: 7 }, body };
}

/** The module: imports its memory as env.memory, exports hpass and vpass (both (i32 × 7) → ()). */
export function pilResampleModule(): Uint8Array {
  return kernelModule([hpass(), vpass()]);
}

export type { WasmMemory } from './wasm-assembly';
export { wasmMemory } from './wasm-assembly';

export interface PilKernels {
  memory: WasmMemory;
  hpass: (...args: number[]) => void;
  vpass: (...args: number[]) => void;
}

const instantiate = kernelCompiler(pilResampleModule);
const kept = sharedKernels(pilResampleModule);

/** The kernels over the given memory, or null where WebAssembly SIMD is not available (the plain path runs then). */
export function pilKernelsOver(memory: WasmMemory): PilKernels | null {
  const exports = instantiate(memory);
  return exports ? { memory, hpass: exports.hpass!, vpass: exports.vpass! } : null;
}

/** The kernels over their own memory, kept between calls (grown as images need). */
export function pilKernels(): PilKernels | null {
  const found = kept(65536);
  return found ? { memory: found.memory, hpass: found.exports.hpass!, vpass: found.exports.vpass! } : null;
}
