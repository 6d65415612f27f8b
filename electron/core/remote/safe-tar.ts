import fs from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { AppError } from '../errors';

const BLOCK = 512;

/**
 * Extracts a .tar.gz (ustar, pax and GNU long names, as Python's tarfile writes them) into `destination`, refusing
 * anything that could land outside it or is not a plain file or folder: absolute names, `..`, symlinks, hard links,
 * devices and FIFOs. Refused archives leave what was extracted so far for the caller to remove.
 */
export async function extractTarGz(archive: string, destination: string): Promise<string[]> {
  const root = path.resolve(destination);
  const reader = new BlockReader(fs.createReadStream(archive).pipe(createGunzip()));
  const written: string[] = [];
  let longName: string | null = null;
  let paxPath: string | null = null;
  for (;;) {
    const header = await reader.read(BLOCK);
    if (!header || header.every((b) => b === 0)) break;
    const type = String.fromCharCode(header[156] || 48); // '\0' is a regular file too
    const size = octal(header.subarray(124, 136));
    const prefix = text(header.subarray(345, 500));
    const ustarName = text(header.subarray(0, 100));
    if (type === 'x' || type === 'g' || type === 'L') {
      const body = (await reader.read(padded(size)))?.subarray(0, size);
      if (body?.length !== size) throw unsafe(archive, ustarName, 'a header cut short');
      if (type === 'L') longName = text(body);
      if (type === 'x') paxPath = paxRecord(body, 'path') ?? paxPath;
      continue;
    }
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${ustarName}` : ustarName);
    paxPath = null;
    longName = null;
    const target = safeTarget(root, name, archive);
    if (type === '5') {
      if (target) fs.mkdirSync(target, { recursive: true });
      continue;
    }
    if (type !== '0' && type !== '7') throw unsafe(archive, name, kindOf(type));
    if (!target) throw unsafe(archive, name, 'a file named as the archive root');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fd = fs.openSync(target, 'w', 0o644);
    try {
      let left = size;
      while (left > 0) {
        const chunk = await reader.some(left);
        if (!chunk) throw unsafe(archive, name, 'a file cut short');
        fs.writeSync(fd, chunk);
        left -= chunk.length;
      }
    } finally {
      fs.closeSync(fd);
    }
    await reader.read(padded(size) - size);
    written.push(target);
  }
  return written;
}

/** Where an entry goes inside `root`, or null for the root itself; throws for a name that escapes it. */
function safeTarget(root: string, name: string, archive: string): string | null {
  const normal = name.replace(/\\/g, '/');
  if (normal.startsWith('/') || /^[A-Za-z]:/.test(normal)) throw unsafe(archive, name, 'an absolute path');
  if (normal.split('/').includes('..')) throw unsafe(archive, name, 'a path with ".."');
  const target = path.resolve(root, normal);
  if (target === root) return null;
  if (!target.startsWith(root + path.sep)) throw unsafe(archive, name, 'a path outside the folder');
  return target;
}

function kindOf(type: string): string {
  return (
    { '1': 'a hard link', '2': 'a symbolic link', '3': 'a device', '4': 'a device', '6': 'a FIFO' }[type] ??
    `an entry of type "${type}"`
  );
}

function unsafe(archive: string, name: string, why: string): AppError {
  return new AppError(
    'REMOTE_ARTIFACTS_UNSAFE',
    `The export's archive ${path.basename(archive)} holds ${why} (${name}); nothing of it is kept.`,
    'The trainer writes plain files relative to its output folder; an archive like this was not made by it. Export again, and check who can write to the bucket.',
  );
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

function octal(bytes: Uint8Array): number {
  if (bytes[0]! & 0x80) {
    // base-256 (GNU) for sizes beyond 8 GiB
    let value = 0;
    for (let i = 1; i < bytes.length; i++) value = value * 256 + bytes[i]!;
    return value;
  }
  const digits = text(bytes).trim();
  return digits ? parseInt(digits, 8) : 0;
}

/** A pax header's record, e.g. `path` from "27 path=some/long/name.onnx\n". */
function paxRecord(body: Buffer, key: string): string | null {
  let at = 0;
  let found: string | null = null;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(body.subarray(at, space).toString('ascii'), 10);
    if (!length) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === key) found = record.slice(eq + 1);
    at += length;
  }
  return found;
}

/** Exact-length reads from a stream of chunks. */
class BlockReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);

  constructor(stream: AsyncIterable<Buffer>) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes (all `n` unless the stream ends first; null at its end). */
  async read(n: number): Promise<Buffer | null> {
    if (n === 0) return Buffer.alloc(0);
    while (this.pending.length < n) {
      const next = await this.chunks.next();
      if (next.done) break;
      this.pending = this.pending.length ? Buffer.concat([this.pending, next.value]) : next.value;
    }
    if (!this.pending.length) return null;
    return this.take(n);
  }

  /** Whatever is at hand, at most `max` bytes, without gathering (file contents stream through); null at the end. */
  async some(max: number): Promise<Buffer | null> {
    if (!this.pending.length) {
      const next = await this.chunks.next();
      if (next.done) return null;
      this.pending = next.value;
    }
    return this.take(max);
  }

  private take(n: number): Buffer {
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(out.length);
    return out;
  }
}
