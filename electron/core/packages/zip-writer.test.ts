import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
});
