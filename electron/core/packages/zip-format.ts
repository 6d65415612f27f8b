/**
 * The zip records writeZip emits (APPNOTE 6.3.x): every entry deflated, streamed with a data descriptor (flag bit 3),
 * UTF-8 names (bit 11), made on Unix with mode 0644; ZIP64 records where a size, an offset or the entry count does not
 * fit the classic fields.
 */
import zlib from 'node:zlib';

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
const VERSION_DEFLATE = 20;
const VERSION_ZIP64 = 45;
const MADE_ON_UNIX = 3 << 8;
const FLAGS = 0x0008 | 0x0800;
const DEFLATED = 8;
const UNIX_FILE_0644 = (0o100644 << 16) >>> 0;

export interface CentralRecord {
  name: Buffer;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  zip64: boolean;
}

/** MS-DOS date and time, from the date's UTC fields (so the same date gives the same bytes in every time zone). */
export function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/** Local file header; sizes and CRC follow in the data descriptor. A ZIP64 entry says so with an empty extra field. */
export function localHeader(name: Buffer, when: { time: number; date: number }, zip64: boolean): Buffer {
  const extra = zip64 ? zip64Extra([0, 0]) : Buffer.alloc(0);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFLATE, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(DEFLATED, 8);
  header.writeUInt16LE(when.time, 10);
  header.writeUInt16LE(when.date, 12);
  // crc, compressed and uncompressed sizes: 0 here (bit 3), or 0xffffffff pointing at the ZIP64 extra field.
  if (zip64) {
    header.writeUInt32LE(MAX32, 18);
    header.writeUInt32LE(MAX32, 22);
  }
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, name, extra]);
}

export function dataDescriptor(record: CentralRecord): Buffer {
  const out = Buffer.alloc(record.zip64 ? 24 : 16);
  out.writeUInt32LE(0x08074b50, 0);
  out.writeUInt32LE(record.crc, 4);
  if (record.zip64) {
    out.writeBigUInt64LE(BigInt(record.compressedSize), 8);
    out.writeBigUInt64LE(BigInt(record.size), 16);
  } else {
    out.writeUInt32LE(record.compressedSize, 8);
    out.writeUInt32LE(record.size, 12);
  }
  return out;
}

function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return extra;
}

export function centralHeader(record: CentralRecord, when: { time: number; date: number }): Buffer {
  // Only the fields that overflow go to the ZIP64 extra field, in the order APPNOTE 4.5.3 gives.
  const big = [record.size, record.compressedSize, record.offset].map((v) => record.zip64 || v >= MAX32);
  const [bigSize, bigCompressed, bigOffset] = big;
  const values = [
    ...(bigSize ? [record.size] : []),
    ...(bigCompressed ? [record.compressedSize] : []),
    ...(bigOffset ? [record.offset] : []),
  ];
  const extra = values.length ? zip64Extra(values) : Buffer.alloc(0);
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(MADE_ON_UNIX | (values.length ? VERSION_ZIP64 : VERSION_DEFLATE), 4);
  header.writeUInt16LE(values.length ? VERSION_ZIP64 : VERSION_DEFLATE, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(DEFLATED, 10);
  header.writeUInt16LE(when.time, 12);
  header.writeUInt16LE(when.date, 14);
  header.writeUInt32LE(record.crc, 16);
  header.writeUInt32LE(bigCompressed ? MAX32 : record.compressedSize, 20);
  header.writeUInt32LE(bigSize ? MAX32 : record.size, 24);
  header.writeUInt16LE(record.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  header.writeUInt32LE(UNIX_FILE_0644, 38);
  header.writeUInt32LE(bigOffset ? MAX32 : record.offset, 42);
  return Buffer.concat([header, record.name, extra]);
}

/** End of central directory, preceded by the ZIP64 record and locator when anything overflows. */
export function endOfCentralDirectory(count: number, offset: number, size: number): Buffer {
  const zip64 = count >= MAX16 || offset >= MAX32 || size >= MAX32;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, MAX16), 8);
  end.writeUInt16LE(Math.min(count, MAX16), 10);
  end.writeUInt32LE(Math.min(size, MAX32), 12);
  end.writeUInt32LE(Math.min(offset, MAX32), 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(MADE_ON_UNIX | VERSION_ZIP64, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(size), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + size), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}

/** CRC-32 of a chunk continuing `previous` (zlib's, native). */
export const crc32 = (chunk: Buffer, previous: number): number => zlib.crc32(chunk, previous);
