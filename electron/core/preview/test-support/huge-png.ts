import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * Writes a valid grey RGB PNG of any size without ever holding its pixels: the first row, then rows that repeat
 * it (PNG's "Up" filter of zeros), deflated as a stream. A 20 000 × 20 000 image takes ~2 s and ~5 MB on disk.
 * Test support for the "huge image" cases.
 */
export async function writeHugePng(file: string, width: number, height: number, grey = 120): Promise<void> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const first = Buffer.alloc(1 + width * 3, grey);
  first[0] = 0;
  const repeat = Buffer.alloc(1 + width * 3, 0);
  repeat[0] = 2;
  const deflate = zlib.createDeflate({ level: 1 });
  const parts: Buffer[] = [];
  deflate.on('data', (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  deflate.write(first);
  for (let y = 1; y < height; y++) {
    if (!deflate.write(repeat)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  fs.writeFileSync(
    file,
    Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', Buffer.concat(parts)), chunk('IEND')]),
  );
}

function chunk(type: string, data = Buffer.alloc(0)): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}
