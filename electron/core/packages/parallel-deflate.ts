/**
 * Deflate on every core, the way pigz does: the input is cut into fixed 1 MiB chunks, each compressed on libuv's
 * thread pool with the previous chunk's last 32 KiB as its dictionary (so compression is as good as one stream) and
 * ended with a sync flush (a byte-aligned, non-final block), so the pieces concatenate into one raw deflate stream; an
 * empty final block closes it. Fixed chunk boundaries make the output the same bytes on every machine, whatever its
 * core count. At most `parallelism + 1` chunks are held at a time: memory stays flat for any size.
 */
import os from 'node:os';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export const CHUNK_BYTES = 1024 * 1024;
const WINDOW_BYTES = 32 * 1024;
const LEVEL = 6;
const deflateRaw = promisify(zlib.deflateRaw);
/** A final, empty, fixed-Huffman block: BFINAL=1, BTYPE=01, end-of-block. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

export interface DeflateSink {
  /** Each input chunk, in order, before it is compressed (to hash and count it). */
  onInput(chunk: Buffer): void;
  /** Each piece of the deflate stream, in order; awaited (the writer's back-pressure). */
  onOutput(piece: Buffer): Promise<void>;
}

/** `read(buffer)` fills the buffer from the source and returns how many bytes it put there (0 at the end). */
export type ChunkReader = (buffer: Buffer) => Promise<number>;

export async function deflateChunks(
  read: ChunkReader,
  sink: DeflateSink,
  parallelism = Math.max(1, os.availableParallelism()),
): Promise<void> {
  const pending: Promise<Buffer>[] = [];
  let previous: Buffer | null = null;
  let chunks = 0;
  for (;;) {
    const chunk = await readFull(read);
    if (chunk.length === 0) break;
    chunks += 1;
    sink.onInput(chunk);
    const dictionary = previous ? previous.subarray(previous.length - WINDOW_BYTES) : undefined;
    const compressed = deflateRaw(chunk, {
      level: LEVEL,
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      ...(dictionary ? { dictionary } : {}),
    });
    compressed.catch(() => undefined); // awaited in order below; a failure surfaces there
    pending.push(compressed);
    previous = chunk.length >= WINDOW_BYTES ? chunk : null;
    while (pending.length > parallelism) await sink.onOutput(await pending.shift()!);
  }
  for (const piece of pending) await sink.onOutput(await piece);
  if (chunks === 0) await sink.onOutput(await deflateRaw(Buffer.alloc(0), { level: LEVEL }));
  else await sink.onOutput(FINAL_BLOCK);
}

/** One whole chunk (shorter only at the end of the source). */
async function readFull(read: ChunkReader): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let filled = 0;
  while (filled < CHUNK_BYTES) {
    const n = await read(buffer.subarray(filled));
    if (n === 0) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}
