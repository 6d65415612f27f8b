import { createHash } from 'node:crypto';
import fs from 'node:fs';

const CHUNK = 1 << 20;

/** Whether `file` still has this size and SHA-256 (read in chunks, so a large package never sits in memory). */
export function sameFile(file: string, size: number, sha256: string): boolean {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile() || stat.size !== size) return false;
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(CHUNK);
  const fd = fs.openSync(file, 'r');
  try {
    for (let read = fs.readSync(fd, buffer); read > 0; read = fs.readSync(fd, buffer)) {
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex') === sha256;
}
