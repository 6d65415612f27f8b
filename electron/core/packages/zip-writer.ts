/**
 * Writes a zip that is the same bytes every time for the same entries: entries in the order given (the caller sorts),
 * one fixed date, fixed modes, no directory entries. Each file is read once (hashed and CRC'd on the way, so its
 * sha256 and size are known without a second read) and deflated on every core (parallel-deflate.ts), one file open at a
 * time, so memory stays flat however large the model is. The zip is written to a hidden temporary file beside the target and renamed over it only when complete:
 * an unwritable or full folder leaves no partial zip.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { deflateChunks } from './parallel-deflate';
import {
  centralHeader,
  crc32,
  dataDescriptor,
  dosDateTime,
  endOfCentralDirectory,
  localHeader,
  type CentralRecord,
} from './zip-format';

export interface ZipEntry {
  /** The path inside the zip (forward slashes). */
  name: string;
  /** A file to stream in, or the bytes themselves. */
  source: { file: string } | { data: Buffer };
  size: number;
}

export interface EntryDigest {
  path: string;
  size: number;
  sha256: string;
}

export interface WrittenZip {
  size: number;
  sha256: string;
  entries: EntryDigest[];
}

export interface ZipOptions {
  /** The date every entry carries (the export's, so the same export gives the same bytes). */
  date: Date;
  /** Bytes of entry data read so far, of `total`. */
  onBytes?: (done: number, total: number) => void;
  /** A last entry made from the digests of all the others (manifest.json). */
  last?: (digests: EntryDigest[]) => ZipEntry;
  /** Entries of at least this many bytes get ZIP64 records (tests lower it to check those records on small files). */
  zip64From?: number;
}

const FILE_MODE = 0o644;
/** Deflate can grow incompressible data a little; an entry this close to 4 GiB is written as ZIP64 from the start. */
const ZIP64_FROM = 0xffffffff - 64 * 1024 * 1024;

/** The output file, written in order and hashed on the way. */
class Output {
  offset = 0;
  private readonly hash = createHash('sha256');
  constructor(private readonly handle: fs.promises.FileHandle) {}

  async write(bytes: Buffer): Promise<void> {
    this.hash.update(bytes);
    for (let done = 0; done < bytes.length;) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done);
      done += bytesWritten;
    }
    this.offset += bytes.length;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export async function writeZip(
  target: string,
  entries: ZipEntry[],
  options: ZipOptions,
): Promise<WrittenZip> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.partial`,
  );
  const when = dosDateTime(options.date);
  const zip64From = options.zip64From ?? ZIP64_FROM;
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  let done = 0;
  const handle = await fs.promises.open(temp, 'wx', FILE_MODE);
  const out = new Output(handle);
  const central: CentralRecord[] = [];

  const add = async (entry: ZipEntry): Promise<EntryDigest> => {
    const name = Buffer.from(entry.name, 'utf8');
    const record: CentralRecord = {
      name,
      crc: 0,
      compressedSize: 0,
      size: 0,
      offset: out.offset,
      zip64: entry.size >= zip64From,
    };
    const hash = createHash('sha256');
    await out.write(localHeader(name, when, record.zip64));
    const source = 'file' in entry.source ? await fs.promises.open(entry.source.file, 'r') : null;
    const data = 'data' in entry.source ? entry.source.data : null;
    let position = 0;
    const read = async (buffer: Buffer): Promise<number> => {
      if (data) {
        const n = data.copy(buffer, 0, position);
        position += n;
        return n;
      }
      const { bytesRead } = await source!.read(buffer, 0, buffer.length, position);
      position += bytesRead;
      return bytesRead;
    };
    try {
      await deflateChunks(read, {
        onInput: (chunk) => {
          hash.update(chunk);
          record.crc = crc32(chunk, record.crc);
          record.size += chunk.length;
          done += chunk.length;
          options.onBytes?.(done, total);
        },
        onOutput: async (piece) => {
          record.compressedSize += piece.length;
          await out.write(piece);
        },
      });
    } finally {
      await source?.close();
    }
    await out.write(dataDescriptor(record));
    central.push(record);
    return { path: entry.name, size: record.size, sha256: hash.digest('hex') };
  };

  try {
    const digests: EntryDigest[] = [];
    for (const entry of entries) digests.push(await add(entry));
    if (options.last) digests.push(await add(options.last([...digests])));
    const directoryOffset = out.offset;
    for (const record of central) await out.write(centralHeader(record, when));
    await out.write(endOfCentralDirectory(central.length, directoryOffset, out.offset - directoryOffset));
    await handle.close();
    await fs.promises.rename(temp, target);
    return { size: out.offset, sha256: out.digest(), entries: digests };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}
