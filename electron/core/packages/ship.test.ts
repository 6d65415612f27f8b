import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readShip, shippedRuntimes } from './ship';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edgepack-ship-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A runtime folder holding `files` and a ship.json of `ship` (fields may be overridden). */
function runtime(name: string, ship: Record<string, unknown>, files = ['wrapper.py', 'example.py']): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const file of files) fs.writeFileSync(path.join(dir, file), `# ${file}\n`);
  const shipFile = path.join(dir, 'ship.json');
  fs.writeFileSync(
    shipFile,
    JSON.stringify({ runtime: name, formats: ['onnx'], files, summary: 'a wrapper', ...ship }),
  );
  return shipFile;
}

describe('ship.json', () => {
  it('reads a valid one: files sorted, without repeats', () => {
    const file = runtime('python', { files: ['wrapper.py', 'example.py', 'wrapper.py'] });
    expect(readShip(file)).toEqual({
      runtime: 'python',
      formats: ['onnx'],
      files: ['example.py', 'wrapper.py'],
      summary: 'a wrapper',
      dir: path.dirname(file),
    });
  });

  it.each([
    [{ formats: ['onnx', 'caffe'] }, /field formats\.1/],
    [{ formats: [] }, /field formats/],
    [{ files: ['*.py'] }, /field files\.0: globs are not allowed/],
    [{ files: ['../secret.txt'] }, /field files\.0: must be a plain relative path/],
    [{ files: ['/etc/passwd'] }, /field files\.0: must be a plain relative path/],
    [{ files: ['missing.py'] }, /field files lists missing\.py, which is not a file/],
    [{ runtime: 'cpp' }, /field runtime is "cpp" but the folder is/],
    [{ summary: '' }, /field summary/],
    [{ extra: true }, /field \(root\)|extra/],
  ])('refuses %j, naming the file and the field', (override, problem) => {
    const file = runtime(`bad-${Math.random().toString(36).slice(2, 8)}`, override);
    expect(() => readShip(file)).toThrow(expect.objectContaining({ code: 'RUNTIME_TEMPLATE_INVALID' }));
    expect(() => readShip(file)).toThrow(file);
    expect(() => readShip(file)).toThrow(problem);
  });

  it('refuses a ship.json that is not JSON', () => {
    const file = runtime('broken', {});
    fs.writeFileSync(file, '{"runtime": ');
    expect(() => readShip(file)).toThrow(/not readable JSON/);
  });

  it('finds every folder with a ship.json, in name order; a missing folder is said as such', () => {
    const dir = fs.mkdtempSync(path.join(root, 'runtimes-'));
    for (const name of ['swift', 'cpp']) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'a.txt'), 'a');
      fs.writeFileSync(
        path.join(dir, name, 'ship.json'),
        JSON.stringify({ runtime: name, formats: ['onnx'], files: ['a.txt'], summary: name }),
      );
    }
    fs.mkdirSync(path.join(dir, 'typescript')); // no ship.json: not shipped
    expect(shippedRuntimes(dir).map((r) => r.runtime)).toEqual(['cpp', 'swift']);
    expect(() => shippedRuntimes(path.join(dir, 'nope'))).toThrow(
      expect.objectContaining({ code: 'RUNTIME_TEMPLATES_MISSING' }),
    );
  });
});
