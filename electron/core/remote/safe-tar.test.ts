import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTarGz } from './safe-tar';

interface Entry {
  name: string;
  type?: string;
  body?: string;
  linkName?: string;
  pax?: Record<string, string>;
}

/** A tar archive as Python's tarfile writes one (ustar headers, pax records for long names). */
function tarOf(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  const header = (name: string, type: string, size: number, linkName = '') => {
    const h = Buffer.alloc(512);
    h.write(name.slice(0, 100), 0);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(type, 156);
    h.write(linkName, 157);
    h.write('ustar\x0000', 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    return h;
  };
  const data = (body: Buffer) => [body, Buffer.alloc((512 - (body.length % 512)) % 512)];
  for (const e of entries) {
    if (e.pax) {
      const records = Object.entries(e.pax)
        .map(([k, v]) => {
          const rest = ` ${k}=${v}\n`;
          let len = rest.length + 2;
          if (String(len).length + rest.length !== len) len = String(len + 1).length + rest.length;
          return `${len}${rest}`;
        })
        .join('');
      const body = Buffer.from(records);
      blocks.push(header('PaxHeader', 'x', body.length), ...data(body));
    }
    const body = Buffer.from(e.body ?? '');
    blocks.push(header(e.name, e.type ?? '0', body.length, e.linkName), ...data(body));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safe-tar-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function archive(entries: Entry[]): string {
  const file = path.join(dir, 'artifacts.tar.gz');
  fs.writeFileSync(file, gzipSync(tarOf(entries)));
  return file;
}

describe('extractTarGz', () => {
  it('extracts files and folders relative to the destination, long names through pax records', async () => {
    const long = `${'deep/'.repeat(30)}model.onnx`;
    const out = path.join(dir, 'out');
    const written = await extractTarGz(
      archive([
        { name: 'model_openvino_model', type: '5' },
        { name: 'model_openvino_model/model.xml', body: '<xml/>' },
        { name: 'metadata.json', body: '{"a":1}' },
        { name: long.slice(0, 99), pax: { path: long }, body: 'onnx bytes' },
        { name: './', type: '5' },
      ]),
      out,
    );
    expect(fs.readFileSync(path.join(out, 'model_openvino_model', 'model.xml'), 'utf8')).toBe('<xml/>');
    expect(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8')).toBe('{"a":1}');
    expect(fs.readFileSync(path.join(out, long), 'utf8')).toBe('onnx bytes');
    expect(written).toHaveLength(3);
  });

  it.each([
    ['an absolute path', { name: '/etc/passwd', body: 'x' }, 'an absolute path'],
    ['a ".." path', { name: 'output/../../escape.txt', body: 'x' }, 'a path with ".."'],
    ['a ".." path in a pax record', { name: 'ok.txt', pax: { path: '../escape.txt' }, body: 'x' }, '".."'],
    ['a symlink', { name: 'link', type: '2', linkName: '/etc/passwd' }, 'a symbolic link'],
    ['a hard link', { name: 'hard', type: '1', linkName: 'metadata.json' }, 'a hard link'],
    ['a device', { name: 'dev', type: '3' }, 'a device'],
    ['a FIFO', { name: 'fifo', type: '6' }, 'a FIFO'],
  ])('refuses %s (REMOTE_ARTIFACTS_UNSAFE), writing nothing outside', async (_what, entry, said) => {
    const out = path.join(dir, 'out');
    await expect(extractTarGz(archive([entry as Entry]), out)).rejects.toMatchObject({
      code: 'REMOTE_ARTIFACTS_UNSAFE',
      message: expect.stringContaining(said),
    });
    expect(fs.existsSync(path.join(dir, 'escape.txt'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'link'))).toBe(false);
  });

  it('refuses an archive cut short', async () => {
    const full = gzipSync(tarOf([{ name: 'big.bin', body: 'y'.repeat(5000) }]).subarray(0, 2048));
    const file = path.join(dir, 'cut.tar.gz');
    fs.writeFileSync(file, full);
    await expect(extractTarGz(file, path.join(dir, 'out'))).rejects.toMatchObject({
      code: 'REMOTE_ARTIFACTS_UNSAFE',
      message: expect.stringContaining('cut short'),
    });
  });
});
