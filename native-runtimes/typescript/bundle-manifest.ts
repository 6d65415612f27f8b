/**
 * What a bundle zip says about itself: its `manifest.json` (every file's path, size and SHA-256, the Edgepack version
 * that built it) and the model files at its root. Read from the zip's central directory and that one entry only, so a
 * bundle of hundreds of MB is never inflated whole. The app reads it to reuse an up-to-date bundle, the platform to
 * check an uploaded one.
 */
import { inflateRawSync } from 'node:zlib';

/** Reads `length` bytes at `offset` (fewer only at the end): a Buffer's slice or a file's positional read. */
export type ReadAt = (offset: number, length: number) => Buffer;

export interface BundleManifest {
  manifest_version: string;
  edgepack_version: string;
  formats: string[];
  files: { path: string; size: number; sha256: string }[];
}

export interface ZipEntryInfo {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class BundleReadError extends Error {
  constructor(
    readonly reason: 'not_a_zip' | 'no_manifest' | 'bad_manifest',
    message: string,
  ) {
    super(message);
    this.name = 'BundleReadError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
/** A manifest lists files; anything near this is not one Edgepack wrote. */
const MANIFEST_MAX_BYTES = 8 * 1024 * 1024;

/** The entries of a zip from its central directory (no ZIP64: bundles stay far below 4 GB and 65 535 files). */
export function zipEntries(readAt: ReadAt, totalSize: number): ZipEntryInfo[] {
  const notZip = (why: string) => new BundleReadError('not_a_zip', `It is not a zip file (${why}).`);
  if (totalSize < EOCD_MIN) throw notZip(`${totalSize} bytes`);
  const tailLength = Math.min(totalSize, EOCD_MIN + MAX_COMMENT);
  const tail = readAt(totalSize - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw notZip('no end-of-central-directory record');
  const count = tail.readUInt16LE(at + 10);
  const directorySize = tail.readUInt32LE(at + 12);
  const directoryOffset = tail.readUInt32LE(at + 16);
  if (directoryOffset + directorySize > totalSize) throw notZip('its directory points past its end');
  const directory = readAt(directoryOffset, directorySize);
  const entries: ZipEntryInfo[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL)
      throw notZip(`directory entry ${i + 1} is damaged`);
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    entries.push({
      method: directory.readUInt16LE(p + 10),
      crc32: directory.readUInt32LE(p + 16),
      compressedSize: directory.readUInt32LE(p + 20),
      size: directory.readUInt32LE(p + 24),
      localHeaderOffset: directory.readUInt32LE(p + 42),
      name: directory.subarray(p + 46, p + 46 + nameLength).toString('utf8'),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  // Two entries of one name: which one a reader takes differs between tools, so what was checked may not be served.
  const names = new Set<string>();
  for (const entry of entries) {
    if (names.has(entry.name))
      throw new BundleReadError(
        'not_a_zip',
        `It holds two entries named ${entry.name}; a bundle names each file once.`,
      );
    names.add(entry.name);
  }
  return entries;
}

function entryData(readAt: ReadAt, entry: ZipEntryInfo): Buffer {
  const header = readAt(entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL)
    throw new BundleReadError('not_a_zip', `It is not a zip file (the entry ${entry.name} is damaged).`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = readAt(start, entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method === 8) return inflateRawSync(raw, { maxOutputLength: MANIFEST_MAX_BYTES });
  throw new BundleReadError('bad_manifest', `manifest.json is compressed with method ${entry.method}.`);
}

/** The bundle's manifest.json, checked for the fields a reader relies on. */
export function readBundleManifest(readAt: ReadAt, totalSize: number): BundleManifest {
  const entry = zipEntries(readAt, totalSize).find((e) => e.name === 'manifest.json');
  if (!entry) throw new BundleReadError('no_manifest', 'The zip has no manifest.json.');
  if (entry.size > MANIFEST_MAX_BYTES)
    throw new BundleReadError('bad_manifest', `manifest.json is ${entry.size} bytes, not a manifest.`);
  let parsed: Partial<BundleManifest>;
  try {
    parsed = JSON.parse(entryData(readAt, entry).toString('utf8')) as Partial<BundleManifest>;
  } catch (error) {
    if (error instanceof BundleReadError) throw error;
    throw new BundleReadError('bad_manifest', `manifest.json cannot be read: ${(error as Error).message}.`);
  }
  const filesOk =
    Array.isArray(parsed.files) &&
    parsed.files.every(
      (f) => typeof f?.path === 'string' && typeof f.sha256 === 'string' && typeof f.size === 'number',
    );
  if (typeof parsed.edgepack_version !== 'string' || !filesOk)
    throw new BundleReadError('bad_manifest', 'manifest.json does not list the files with their SHA-256.');
  return {
    manifest_version: String(parsed.manifest_version ?? ''),
    edgepack_version: parsed.edgepack_version,
    formats: Array.isArray(parsed.formats) ? parsed.formats.map(String) : [],
    files: parsed.files!,
  };
}

/** The ONNX model files at the bundle's root (wrappers and conformance vectors live in folders). */
export function rootOnnxFiles(manifest: BundleManifest): BundleManifest['files'] {
  return manifest.files.filter((f) => !f.path.includes('/') && f.path.toLowerCase().endsWith('.onnx'));
}

/** A ReadAt over bytes in memory. */
export function bufferReader(bytes: Uint8Array): ReadAt {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (offset, length) => buffer.subarray(offset, offset + length);
}
