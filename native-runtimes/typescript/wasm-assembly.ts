/**
 * A minimal WebAssembly binary writer, enough for the SIMD kernels assembled in this runtime (resize-pil-simd.ts,
 * resize-linear-simd.ts) from their instructions: no build step, no binary file. Only the instructions they use.
 */

export type Code = number[];

export function uleb(value: number): Code {
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

export const I32 = 0x7f;
export const V128 = 0x7b;

// Core instructions.
export const get = (i: number): Code => [0x20, ...uleb(i)];
export const set = (i: number): Code => [0x21, ...uleb(i)];
export const tee = (i: number): Code => [0x22, ...uleb(i)];
export const i32 = (v: number): Code => [0x41, ...sleb(v)];
export const load32 = (offset: number): Code => [0x28, 2, ...uleb(offset)];
export const f32Load = (offset: number): Code => [0x2a, 2, ...uleb(offset)];
export const f32Store = (offset: number): Code => [0x38, 2, ...uleb(offset)];
export const add = [0x6a];
export const sub = [0x6b];
export const mul = [0x6c];
export const shl = [0x74];
export const ltU = [0x49];
export const loop = [0x03, 0x40];
export const end = [0x0b];
export const brIf = (depth: number): Code => [0x0d, ...uleb(depth)];
export const ret = [0x0f];
export const eqz = [0x45];
export const ifThen = [0x04, 0x40];
/** `local += by` */
export const advance = (local: number, by: number): Code => [
  ...get(local),
  ...i32(by),
  ...add,
  ...set(local),
];
/** `--local`, leaving the new value on the stack (for a loop's br_if). */
export const decrement = (local: number): Code => [...get(local), ...i32(1), ...sub, ...tee(local)];
/** `do { body } while (--counter);` (the counter must start above 0) */
export const countdownLoop = (counter: number, body: Code): Code => [
  ...loop,
  ...body,
  ...decrement(counter),
  ...brIf(0),
  ...end,
];
/** `if (local == 0) return;` */
export const returnIfZero = (local: number): Code => [...get(local), ...eqz, ...ifThen, ...ret, ...end];

// SIMD instructions (prefix 0xfd). Alignment hints are 0: nothing here is aligned.
const simd = (op: number, ...immediates: number[]): Code => [0xfd, ...uleb(op), ...immediates];
export const v128Load = (offset = 0) => simd(0x00, 0, ...uleb(offset));
export const v128Store = (offset = 0) => simd(0x0b, 0, ...uleb(offset));
export const v128Const = (bytes: number[]) => simd(0x0c, ...bytes);
export const load32Splat = (offset = 0) => simd(0x09, 0, ...uleb(offset));
export const load64Zero = (offset = 0) => simd(0x5d, 0, ...uleb(offset));
export const store32Lane = (lane: number, offset = 0) => simd(0x5a, 0, ...uleb(offset), lane);
export const swizzle = simd(0x0e);
export const i32x4Splat = simd(0x11);
export const i32x4ExtractLane = (lane: number) => simd(0x1b, lane);
export const i8x16NarrowU = simd(0x66); // i8x16.narrow_i16x8_u
export const i16x8NarrowU = simd(0x86); // i16x8.narrow_i32x4_u
export const i16x8ExtendLowU = simd(0x89); // i16x8.extend_low_i8x16_u
export const i16x8ExtendHighU = simd(0x8a);
export const i32x4ExtendLowU = simd(0xa9); // i32x4.extend_low_i16x8_u
export const i32x4ExtendHighU = simd(0xaa);
export const i32x4Shl = simd(0xab);
export const i32x4ShrS = simd(0xac);
export const i32x4Add = simd(0xae);
export const i32x4Mul = simd(0xb5);
export const i32x4Dot = simd(0xba); // i32x4.dot_i16x8_s

export const i32x4Const = (value: number) => {
  const bytes = new Uint8Array(new Int32Array([value, value, value, value]).buffer);
  return v128Const([...bytes]);
};

/** The shuffle taking two packed RGB pixels (bytes 0–5) to 16-bit lanes R0 R1 G0 G1 B0 B1 0 0 (0x80: zero). */
export const PAIR_LANES = [0, 0x80, 3, 0x80, 1, 0x80, 4, 0x80, 2, 0x80, 5, 0x80, 0x80, 0x80, 0x80, 0x80];

/** A function of i32 parameters and no result, with its extra locals (counts of i32s and v128s) and body. */
export interface KernelFunction {
  name: string;
  params: number;
  locals: { i32: number; v128: number };
  body: Code;
}

/** The module: imports its memory as env.memory and exports each function under its name. */
export function kernelModule(functions: KernelFunction[]): Uint8Array {
  const arities = [...new Set(functions.map((f) => f.params))];
  const types = arities.map((n) => [0x60, ...vec(Array.from({ length: n }, () => [I32])), ...vec([])]);
  const bodies = functions.map((f) => {
    const locals = vec([
      [...uleb(f.locals.i32), I32],
      [...uleb(f.locals.v128), V128],
    ]);
    const code = [...locals, ...f.body, ...end];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(functions.map((f) => uleb(arities.indexOf(f.params))))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
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

/** Grows `memory` to at least `bytes` bytes. */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
}

/**
 * A module's compiled form, made on first use; its `instantiate(memory)` gives the exported functions over that
 * memory, or null where WebAssembly SIMD is not available (callers then run their plain path).
 */
export function kernelCompiler(
  assemble: () => Uint8Array,
): (memory: WasmMemory) => Record<string, (...args: number[]) => void> | null {
  let compiled: object | null | undefined;
  return (memory) => {
    if (compiled === undefined) {
      compiled = null;
      try {
        const bytes = assemble();
        if (wasm?.validate(bytes)) compiled = new wasm.Module(bytes);
      } catch {
        compiled = null;
      }
    }
    if (!compiled) return null;
    return new wasm!.Instance(compiled, { env: { memory } }).exports as Record<
      string,
      (...args: number[]) => void
    >;
  };
}

/**
 * Kernels over a memory of their own, made on first use and kept between calls, grown to what each call needs;
 * null without WebAssembly SIMD.
 */
export function sharedKernels(
  assemble: () => Uint8Array,
): (bytes: number) => { memory: WasmMemory; exports: Record<string, (...args: number[]) => void> } | null {
  const instantiate = kernelCompiler(assemble);
  let shared: { memory: WasmMemory; exports: Record<string, (...args: number[]) => void> } | null | undefined;
  return (bytes) => {
    if (shared === undefined) {
      const memory = wasmMemory(bytes);
      const exports = memory ? instantiate(memory) : null;
      shared = exports ? { memory: memory!, exports } : null;
    }
    if (shared) ensureMemory(shared.memory, bytes);
    return shared;
  };
}
