/**
 * Writes a zip that is the same bytes every time for the same entries: entries in the order given (the caller sorts),
 * one fixed date, fixed modes, no directory entries. Each file is streamed through once (hashed on the way, so its
 * sha256 and size are known without a second read), one file open at a time, so memory stays flat however large the
 * model is. The zip is written to a hidden temporary file beside the target and renamed over it only when complete:
 * an unwritable or full folder leaves no partial zip.
 */
import { ZipArchive } from 'archiver';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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
}

const FILE_MODE = 0o644;

/** A pass-through that hashes and counts what flows through it. */
function tap(onChunk: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onChunk(chunk);
      callback(null, chunk);
    },
  });
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
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const zipHash = createHash('sha256');
  let zipSize = 0;
  const out = fs.createWriteStream(temp, { flags: 'wx', mode: FILE_MODE });
  const written = pipeline(
    archive,
    tap((chunk) => {
      zipHash.update(chunk);
      zipSize += chunk.length;
    }),
    out,
  );
  // A failure anywhere (a full disk, a folder that refuses the file, a source that cannot be read) ends the write.
  const failure = written.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(error),
  );
  failure.catch(() => undefined);

  const total = entries.reduce((sum, e) => sum + e.size, 0);
  let done = 0;
  const add = async (entry: ZipEntry): Promise<EntryDigest> => {
    const hash = createHash('sha256');
    let size = 0;
    const added = new Promise<void>((resolve) => {
      const onEntry = (data: { name: string }) => {
        if (data.name !== entry.name) return;
        archive.off('entry', onEntry);
        resolve();
      };
      archive.on('entry', onEntry);
    });
    const count = (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      done += chunk.length;
      options.onBytes?.(done, total);
    };
    const data = { name: entry.name, date: options.date, mode: FILE_MODE };
    // A source that cannot be read (gone since the plan was made) ends the write instead of stalling it.
    let unreadable: Promise<never> | null = null;
    if ('file' in entry.source) {
      const counted = tap(count);
      const source = fs.createReadStream(entry.source.file);
      unreadable = new Promise<never>((_, reject) => source.once('error', reject));
      archive.append(source.pipe(counted), data);
    } else {
      count(entry.source.data);
      archive.append(entry.source.data, data);
    }
    await Promise.race([added, failure, ...(unreadable ? [unreadable] : [])]);
    return { path: entry.name, size, sha256: hash.digest('hex') };
  };

  try {
    const digests: EntryDigest[] = [];
    for (const entry of entries) digests.push(await add(entry));
    if (options.last) digests.push(await add(options.last([...digests])));
    await Promise.race([archive.finalize(), failure]);
    await written;
    await fs.promises.rename(temp, target);
    return { size: zipSize, sha256: zipHash.digest('hex'), entries: digests };
  } catch (error) {
    archive.abort();
    out.destroy();
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}
