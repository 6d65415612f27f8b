import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import { symlinkLoop } from '../file-errors';

export type ModelFileKind = 'pytorch' | 'onnx';

const EXPECTED =
  'an Ultralytics YOLO checkpoint (.pt, e.g. runs/detect/train/weights/best.pt) or an ONNX model';
const DROP_HINT = `Drop ${EXPECTED}.`;

const MAGIC: [Buffer, string, 'NOT_A_CHECKPOINT' | 'WRONG_FRAMEWORK'][] = [
  [Buffer.from('89504e470d0a1a0a', 'hex'), 'a PNG image', 'NOT_A_CHECKPOINT'],
  [Buffer.from('ffd8ff', 'hex'), 'a JPEG image', 'NOT_A_CHECKPOINT'],
  [Buffer.from('GIF8'), 'a GIF image', 'NOT_A_CHECKPOINT'],
  [Buffer.from('%PDF'), 'a PDF document', 'NOT_A_CHECKPOINT'],
  [Buffer.from('894844460d0a1a0a', 'hex'), 'an HDF5 file (Keras/TensorFlow weights)', 'WRONG_FRAMEWORK'],
];

/**
 * Fast checks in Node before any Python starts: the file exists, is not empty, and looks like a PyTorch checkpoint
 * (zip with data.pkl, or a legacy pickle) or an ONNX model. Every wrong drop gets an error naming what it is.
 * Deeper checks (pickle globals, the Ultralytics model inside) are the trainer's.
 */
export function sniffModelFile(file: string): ModelFileKind {
  const name = path.basename(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkLoop(file);
    throw new AppError(
      'CHECKPOINT_NOT_FOUND',
      `No file at ${file}.`,
      'Check the path; if the file was moved or deleted, add it again from its new location.',
    );
  }
  if (stat.isDirectory())
    throw new AppError('NOT_A_CHECKPOINT', `${file} is a folder, not a model file.`, DROP_HINT);
  if (stat.size === 0) throw new AppError('NOT_A_CHECKPOINT', `${name} is empty (0 bytes).`, DROP_HINT);

  const head = readHead(file, 4096);
  for (const [magic, what, code] of MAGIC) {
    if (head.subarray(0, magic.length).equals(magic)) {
      throw new AppError(code, `${name} is ${what}, not a model checkpoint.`, DROP_HINT);
    }
  }
  if (
    head.subarray(0, 4).toString('latin1') === 'RIFF' &&
    head.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    throw new AppError('NOT_A_CHECKPOINT', `${name} is a WebP image, not a model checkpoint.`, DROP_HINT);
  }
  if (head.subarray(4, 8).toString('latin1') === 'TFL3') {
    throw wrongFramework(name, 'a TensorFlow Lite model');
  }
  if (path.extname(file).toLowerCase() === '.safetensors' || looksLikeSafetensors(head)) {
    throw wrongFramework(name, 'a safetensors weights file (weights without the model architecture)');
  }
  if (path.extname(file).toLowerCase() === '.onnx' || looksLikeOnnx(head)) return 'onnx';
  if (head.subarray(257, 262).toString('latin1') === 'ustar') {
    // torch.load opens a non-zip file as a tar first: a different reader from the one any check would use.
    throw new AppError(
      'UNSAFE_PICKLE',
      `${name} is a tar archive (PyTorch's legacy tar format, or a tar/zip polyglot). It was not loaded.`,
      'A checkpoint saved by torch.save is a plain zip. Re-save the model with a current PyTorch/Ultralytics, or get it again from its source.',
    );
  }
  if (head.subarray(0, 2).toString('latin1') === 'PK') {
    checkTorchZip(file, name, stat.size);
    return 'pytorch';
  }
  if (head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5) return 'pytorch';
  if (looksLikeText(head)) {
    const first = head.toString('utf8').trim().split(/\r?\n/)[0]?.slice(0, 60) ?? '';
    throw new AppError(
      'NOT_A_CHECKPOINT',
      `${name} is a text file (it starts with ${JSON.stringify(first)}), not a model checkpoint.`,
      DROP_HINT,
    );
  }
  throw new AppError(
    'NOT_A_CHECKPOINT',
    `${name} is not a model file Edgepack knows (unrecognised binary).`,
    DROP_HINT,
  );
}

function wrongFramework(name: string, what: string): AppError {
  return new AppError(
    'WRONG_FRAMEWORK',
    `${name} is ${what}, not an Ultralytics YOLO checkpoint.`,
    'Edgepack exports Ultralytics YOLO checkpoints and takes ONNX files as they are: export this model to ONNX with its own tools and add the .onnx file.',
  );
}

function readHead(file: string, bytes: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) return false;
  const text = head.toString('utf8');
  if (text.includes('\uFFFD')) return false;
  const printable = [...text].filter((c) => c >= ' ' || c === '\n' || c === '\r' || c === '\t').length;
  return printable >= 0.95 * Math.max(text.length, 1);
}

function looksLikeSafetensors(head: Buffer): boolean {
  if (head.length < 16) return false;
  const headerLength = head.readBigUInt64LE(0);
  return head[8] === 0x7b && headerLength > 1n && headerLength < 100_000_000n && head.includes('"dtype"');
}

/** ModelProto starts with ir_version (field 1, varint, small) then a string or message field. */
function looksLikeOnnx(head: Buffer): boolean {
  return (
    head[0] === 0x08 &&
    (head[1] ?? 0) >= 3 &&
    (head[1] ?? 0) <= 20 &&
    [0x12, 0x1a, 0x22, 0x3a, 0x42].includes(head[2] ?? 0)
  );
}

/**
 * A zip's central directory sits at its end; a cut-short copy loses it. Reads the end record and the entry names
 * to tell a truncated checkpoint from an archive that is not a checkpoint at all.
 */
function checkTorchZip(file: string, name: string, size: number): void {
  const names = zipEntryNames(file, size);
  if (names === null) {
    throw new AppError(
      'CHECKPOINT_TRUNCATED',
      `${name} is damaged or incomplete (its zip directory is missing); ${size} bytes on disk.`,
      'The copy was probably cut short (interrupted download or copy). Copy the checkpoint again from its source.',
    );
  }
  if (names.some((n) => n.endsWith('data.pkl'))) return;
  if (names.some((n) => n.endsWith('saved_model.pb') || n === 'config.json' || n.endsWith('.weights.h5'))) {
    throw wrongFramework(name, 'a Keras/TensorFlow model archive');
  }
  throw new AppError(
    'NOT_A_CHECKPOINT',
    `${name} is a zip archive but not a PyTorch checkpoint (no data.pkl inside).`,
    DROP_HINT,
  );
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_ENTRY = 0x02014b50;

/** Names in the zip's central directory, or null when the directory is missing or points past the file's end. */
export function zipEntryNames(file: string, size: number): string[] | null {
  const fd = fs.openSync(file, 'r');
  try {
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    fs.readSync(fd, tail, 0, tailLength, size - tailLength);
    let at = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) return null;
    let entries = tail.readUInt16LE(at + 10);
    let cdSize = tail.readUInt32LE(at + 12);
    let cdOffset = tail.readUInt32LE(at + 16);
    if (
      (cdOffset === 0xffffffff || entries === 0xffff) &&
      at >= 20 &&
      tail.readUInt32LE(at - 20) === ZIP64_LOCATOR
    ) {
      const recordOffset = Number(tail.readBigUInt64LE(at - 20 + 8));
      if (recordOffset + 56 > size) return null;
      const record = Buffer.alloc(56);
      fs.readSync(fd, record, 0, 56, recordOffset);
      if (record.readUInt32LE(0) !== ZIP64_EOCD) return null;
      entries = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size || cdSize > 64 * 1024 * 1024) return null;
    const cd = Buffer.alloc(cdSize);
    fs.readSync(fd, cd, 0, cdSize, cdOffset);
    const names: string[] = [];
    let p = 0;
    for (let i = 0; i < entries && p + 46 <= cd.length; i++) {
      if (cd.readUInt32LE(p) !== CENTRAL_ENTRY) return null;
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      names.push(cd.subarray(p + 46, p + 46 + nameLength).toString('utf8'));
      p += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  } finally {
    fs.closeSync(fd);
  }
}
