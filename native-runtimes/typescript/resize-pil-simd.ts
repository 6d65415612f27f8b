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

// ---- a minimal WebAssembly binary writer -------------------------------------------------------------------------

type Code = number[];

function uleb(value: number): Code {
  const out: Code = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];
const name = (text: string): Code => vec([...text].map((c) => [c.charCodeAt(0)]));

const I32 = 0x7f;
const V128 = 0x7b;

// Core instructions.
const get = (i: number): Code => [0x20, ...uleb(i)];
const set = (i: number): Code => [0x21, ...uleb(i)];
const tee = (i: number): Code => [0x22, ...uleb(i)];
const i32 = (v: number): Code => [0x41, ...sleb(v)];
const load32 = (offset: number): Code => [0x28, 2, ...uleb(offset)];
const add = [0x6a];
const sub = [0x6b];
const mul = [0x6c];
const ltU = [0x49];
const loop = [0x03, 0x40];
const end = [0x0b];
const brIf = (depth: number): Code => [0x0d, ...uleb(depth)];
const ret = [0x0f];
const eqz = [0x45];
const ifThen = [0x04, 0x40];

// SIMD instructions (prefix 0xfd). Alignment hints are 0: nothing here is aligned.
const simd = (op: number, ...immediates: number[]): Code => [0xfd, ...uleb(op), ...immediates];
const v128Load = (offset = 0) => simd(0x00, 0, ...uleb(offset));
const v128Store = (offset = 0) => simd(0x0b, 0, ...uleb(offset));
const v128Const = (bytes: number[]) => simd(0x0c, ...bytes);
const load32Splat = (offset = 0) => simd(0x09, 0, ...uleb(offset));
const load64Zero = (offset = 0) => simd(0x5d, 0, ...uleb(offset));
const store32Lane = (lane: number, offset = 0) => simd(0x5a, 0, ...uleb(offset), lane);
const swizzle = simd(0x0e);
const i8x16NarrowU = simd(0x66); // i8x16.narrow_i16x8_u
const i16x8NarrowU = simd(0x86); // i16x8.narrow_i32x4_u
const i16x8ExtendLowU = simd(0x89); // i16x8.extend_low_i8x16_u
const i16x8ExtendHighU = simd(0x8a);
const i32x4ExtendLowU = simd(0xa9); // i32x4.extend_low_i16x8_u
const i32x4ExtendHighU = simd(0xaa);
const i32x4Shl = simd(0xab);
const i32x4ShrS = simd(0xac);
const i32x4Add = simd(0xae);
const i32x4Mul = simd(0xb5);
const i32x4Dot = simd(0xba); // i32x4.dot_i16x8_s

const i32x4Const = (value: number) => {
  const bytes = new Uint8Array(new Int32Array([value, value, value, value]).buffer);
  return v128Const([...bytes]);
};

/** The shuffle taking two packed RGB pixels (bytes 0–5) to 16-bit lanes R0 R1 G0 G1 B0 B1 0 0 (0x80: zero). */
const PAIR_LANES = [0, 0x80, 3, 0x80, 1, 0x80, 4, 0x80, 2, 0x80, 5, 0x80, 0x80, 0x80, 0x80, 0x80];
const HALF = 1 << 21;

/**
 * hpass(src, srcStride, rows, xtab, xcount, dst, dstStride): for each of `rows` rows, each of `xcount` output
 * pixels described at xtab (16 bytes each: source byte offset within the row, number of tap pairs, address of the
 * pairs' weights — 32 bytes per pair: lo then hi lanes), writes its RGB at dst (4 bytes are stored, the 4th being
 * the next pixel's first, rewritten after).
 */
function hpass(): { params: number; locals: Code[]; body: Code } {
  const [src, srcStride, rows, xtab, xcount, dst, dstStride] = [0, 1, 2, 3, 4, 5, 6];
  const [row, entry, out, x, p, w, n, rowSrc] = [7, 8, 9, 10, 11, 12, 13, 14];
  const [lo, hi, px, mask] = [15, 16, 17, 18];
  const body: Code = [
    ...get(rows),
    ...eqz,
    ...ifThen,
    ...ret,
    ...end,
    ...get(xcount),
    ...eqz,
    ...ifThen,
    ...ret,
    ...end,
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
    ...get(p),
    ...i32(6),
    ...add,
    ...set(p),
    ...get(w),
    ...i32(32),
    ...add,
    ...set(w),
    ...get(n),
    ...i32(1),
    ...sub,
    ...tee(n),
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
    ...get(out),
    ...i32(3),
    ...add,
    ...set(out),
    ...get(entry),
    ...i32(16),
    ...add,
    ...set(entry),
    ...get(x),
    ...i32(1),
    ...sub,
    ...tee(x),
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
  return {
    params: 7,
    locals: [
      [8, I32],
      [4, V128],
    ].map(([c, t]) => [...uleb(c!), t!]),
    body,
  };
}

/**
 * vpass(src, srcStride, ytab, ycount, rowBytes, dst, dstStride): for each of `ycount` output rows described at ytab
 * (16 bytes each: byte offset of its first source row, number of taps, address of its 32-bit weights), writes
 * `rowBytes` bytes (rounded up to 16: up to 15 more are stored, rewritten by the next row) at dst.
 */
function vpass(): { params: number; locals: Code[]; body: Code } {
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
    ...get(ycount),
    ...eqz,
    ...ifThen,
    ...ret,
    ...end,
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
    ...get(w),
    ...i32(4),
    ...add,
    ...set(w),
    ...get(n),
    ...i32(1),
    ...sub,
    ...tee(n),
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
    ...get(entry),
    ...i32(16),
    ...add,
    ...set(entry),
    ...get(y),
    ...i32(1),
    ...sub,
    ...tee(y),
    ...brIf(0),
    ...end,
  ];
  return {
    params: 7,
    locals: [
      [10, I32],
      [7, V128],
    ].map(([c, t]) => [...uleb(c!), t!]),
    body,
  };
}

/** The module: imports its memory as env.memory, exports hpass and vpass (both (i32 × 7) → ()). */
export function pilResampleModule(): Uint8Array {
  const functions = [hpass(), vpass()];
  const type = [0x60, ...vec(Array.from({ length: 7 }, () => [I32])), ...vec([])];
  const bodies = functions.map((f) => {
    const code = [...vec(f.locals), ...f.body, ...end];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(functions.map(() => [0]))),
    ...section(
      7,
      vec([
        [...name('hpass'), 0x00, 0],
        [...name('vpass'), 0x00, 1],
      ]),
    ),
    ...section(10, vec(bodies)),
  ]);
}

/** The parts of the WebAssembly JS API used here (the runtime's tsconfig has no DOM types, where they live). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** A fresh memory of at least `bytes` bytes, or null without WebAssembly. */
export function wasmMemory(bytes: number): WasmMemory | null {
  return wasm ? new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) }) : null;
}

export interface PilKernels {
  memory: WasmMemory;
  hpass: (...args: number[]) => void;
  vpass: (...args: number[]) => void;
}

let compiled: object | null | undefined;
let shared: PilKernels | null | undefined;

/** The kernels over the given memory, or null where WebAssembly SIMD is not available (the plain path runs then). */
export function pilKernelsOver(memory: WasmMemory): PilKernels | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      const bytes = pilResampleModule();
      if (wasm?.validate(bytes)) compiled = new wasm.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  const exports = new wasm!.Instance(compiled, { env: { memory } }).exports as unknown as Omit<
    PilKernels,
    'memory'
  >;
  return { memory, hpass: exports.hpass, vpass: exports.vpass };
}

/** The kernels over their own memory, kept between calls (grown as images need). */
export function pilKernels(): PilKernels | null {
  if (shared === undefined) {
    const memory = wasmMemory(65536);
    shared = memory ? pilKernelsOver(memory) : null;
  }
  return shared;
}
