import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { deflateChunks } from './parallel-deflate';
import { writeZip, type ZipEntry } from './zip-writer';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-zip-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const date = new Date('2026-01-02T03:04:06Z');

function entries(): ZipEntry[] {
  const file = path.join(root, 'model.bin');
  fs.writeFileSync(file, Buffer.alloc(300_000, 7));
  const text = Buffer.from('hello\n');
  return [
    { name: 'a.txt', source: { data: text }, size: text.length },
    { name: 'dir/model.bin', source: { file }, size: 300_000 },
  ];
}

describe('writeZip', () => {
  it('the same entries give the same bytes, whatever the time and folder; digests of what went in', async () => {
    const a = path.join(fs.mkdtempSync(path.join(root, 'a-')), 'out.zip');
    const b = path.join(fs.mkdtempSync(path.join(root, 'b-')), 'out.zip');
    const progress: number[] = [];
    const first = await writeZip(a, entries(), { date, onBytes: (done) => progress.push(done) });
    await new Promise((r) => setTimeout(r, 1100));
    const second = await writeZip(b, entries(), { date });
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
    expect(first).toEqual(second);
    expect(first.sha256).toBe(sha256(fs.readFileSync(a)));
    expect(first.entries).toEqual([
      { path: 'a.txt', size: 6, sha256: sha256(Buffer.from('hello\n')) },
      { path: 'dir/model.bin', size: 300_000, sha256: sha256(Buffer.alloc(300_000, 7)) },
    ]);
    expect(progress.at(-1)).toBe(300_006);
    const listing = spawnSync('zipinfo', [a], { encoding: 'utf8' }).stdout;
    expect(listing).toMatch(/-rw-r--r--.* 26-Jan-02 03:04 a\.txt/);
    expect(listing).toMatch(/-rw-r--r--.* 26-Jan-02 03:04 dir\/model\.bin/);
  });

  it('a last entry made from the digests of the others (the manifest)', async () => {
    const target = path.join(fs.mkdtempSync(path.join(root, 'm-')), 'out.zip');
    const written = await writeZip(target, entries(), {
      date,
      last: (digests) => {
        const data = Buffer.from(JSON.stringify(digests.map((d) => d.path)));
        return { name: 'manifest.json', source: { data }, size: data.length };
      },
    });
    expect(written.entries.map((e) => e.path)).toEqual(['a.txt', 'dir/model.bin', 'manifest.json']);
    const manifest = spawnSync('unzip', ['-p', target, 'manifest.json'], { encoding: 'utf8' }).stdout;
    expect(JSON.parse(manifest)).toEqual(['a.txt', 'dir/model.bin']);
  });

  it('a source that cannot be read fails the write and leaves nothing in the folder', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'fail-'));
    const bad: ZipEntry[] = [
      ...entries(),
      { name: 'gone.bin', source: { file: path.join(root, 'no-such-file') }, size: 10 },
    ];
    await expect(writeZip(path.join(dir, 'out.zip'), bad, { date })).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('replaces an older zip of the same name only once the new one is complete', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'keep-'));
    const target = path.join(dir, 'out.zip');
    fs.writeFileSync(target, 'the older zip');
    const bad: ZipEntry[] = [{ name: 'x', source: { file: path.join(root, 'no-such-file') }, size: 1 }];
    await expect(writeZip(target, bad, { date })).rejects.toThrow();
    expect(fs.readFileSync(target, 'utf8')).toBe('the older zip');
    await writeZip(target, entries(), { date });
    expect(fs.readdirSync(dir)).toEqual(['out.zip']);
    expect(spawnSync('unzip', ['-tq', target]).status).toBe(0);
  });

  it('a file of many chunks deflated on every core reads back whole (unzip, Python zipfile), the same bytes on one core', async () => {
    const file = path.join(root, 'weights.bin');
    // Random 15 kB blocks, each said twice: back-references cross the 1 MiB chunk boundaries.
    const blocks: Buffer[] = [];
    for (let i = 0; i < 150; i++) {
      const block = randomBytes(15_000);
      blocks.push(block, block);
    }
    const bytes = Buffer.concat([...blocks, Buffer.alloc(12_345, 9)]);
    fs.writeFileSync(file, bytes);
    const target = path.join(fs.mkdtempSync(path.join(root, 'big-')), 'out.zip');
    const written = await writeZip(target, [{ name: 'weights.bin', source: { file }, size: bytes.length }], {
      date,
    });
    expect(written.entries[0]).toEqual({ path: 'weights.bin', size: bytes.length, sha256: sha256(bytes) });
    expect(spawnSync('unzip', ['-tq', target]).status).toBe(0);
    const read = spawnSync(
      'python3',
      [
        '-c',
        'import sys,zipfile,hashlib; print(hashlib.sha256(zipfile.ZipFile(sys.argv[1]).read("weights.bin")).hexdigest())',
        target,
      ],
      { encoding: 'utf8' },
    );
    expect(read.stdout.trim()).toBe(sha256(bytes));
    // As small as one deflate stream of the whole file: each chunk starts with the previous one's window.
    const single = deflateRawSync(bytes, { level: 6 }).length;
    expect(written.entries.length).toBe(1);
    expect(fs.statSync(target).size).toBeLessThan(single * 1.001 + 200);

    const deflated = async (parallelism: number) => {
      const pieces: Buffer[] = [];
      let position = 0;
      await deflateChunks(
        async (buffer) => {
          const n = bytes.copy(buffer, 0, position);
          position += n;
          return n;
        },
        { onInput: () => undefined, onOutput: async (piece) => void pieces.push(piece) },
        parallelism,
      );
      return Buffer.concat(pieces);
    };
    const [one, four] = [await deflated(1), await deflated(4)];
    expect(one.equals(four)).toBe(true);
    expect(inflateRawSync(one).equals(bytes)).toBe(true);
  });

  it('ZIP64 records (forced on small entries here; used from 4 GiB) read back with unzip and Python zipfile', async () => {
    const target = path.join(fs.mkdtempSync(path.join(root, 'z64-')), 'out.zip');
    await writeZip(target, entries(), { date, zip64From: 0 });
    expect(spawnSync('unzip', ['-tq', target]).status).toBe(0);
    const read = spawnSync(
      'python3',
      [
        '-c',
        'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); z.testzip(); print(z.read("a.txt").decode(), end="")',
        target,
      ],
      { encoding: 'utf8' },
    );
    expect(read.stdout).toBe('hello\n');
  });

  it('an empty entry is a valid deflated entry', async () => {
    const target = path.join(fs.mkdtempSync(path.join(root, 'empty-')), 'out.zip');
    await writeZip(target, [{ name: 'empty.txt', source: { data: Buffer.alloc(0) }, size: 0 }], { date });
    expect(spawnSync('unzip', ['-p', target, 'empty.txt']).stdout.length).toBe(0);
    expect(spawnSync('unzip', ['-tq', target]).status).toBe(0);
  });
});
