/**
 * Bad input, each a test with a clear error and nothing lost: every bad file in tests/fixtures/manifest.json, through
 * `models add` and `export`, with the real trainer behind the checks Node cannot make (pickle globals, framework).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { badFixtures, cli, fixture, freshHome, removeHomes, sha256 } from './helpers';

afterAll(removeHomes);

describe.each(badFixtures.map((e) => [e.what ?? e.file, e] as const))('%s', (_what, entry) => {
  const file = fixture(entry.file);
  const before = fs.existsSync(file) ? sha256(file) : null;

  it(`models add fails with ${entry.expect.error}, a message and a hint, and records nothing`, () => {
    const home = freshHome();
    const run = cli(home, ['models', 'add', file, '--json']);
    expect(run.code).not.toBe(0);
    expect(run.json.error).toMatchObject({ code: entry.expect.error });
    expect(run.json.error.message.length).toBeGreaterThan(10);
    expect(run.json.error.hint.length).toBeGreaterThan(5);
    expect(cli(home, ['models', 'list', '--json']).json).toEqual([]);
    if (before) expect(sha256(file)).toBe(before); // the person's file is untouched
  });

  it('export refuses it the same way, starting no job', () => {
    const home = freshHome();
    const run = cli(home, ['export', file, '--format', 'onnx', '--json']);
    expect(run.code).not.toBe(0);
    expect(run.json.error.code).toBe(entry.expect.error);
    expect(cli(home, ['exports', 'list', '--json']).json).toEqual([]);
  });

  it('says what went wrong in words on the terminal', () => {
    const run = cli(freshHome(), ['models', 'add', file]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(new RegExp(`^error ${entry.expect.error}: .+\\nhint: .+`, 'm'));
  });

  if (entry.trusted) {
    it('loads once the person says they trust it (--trust-unsafe)', () => {
      const run = cli(freshHome(), ['models', 'add', file, '--trust-unsafe', '--json']);
      expect(run.code, run.stdout).toBe(0);
      expect(run.json).toMatchObject({ task: entry.trusted!.task, classNames: entry.trusted!.names });
    });
  }
});

describe('other wrong inputs', () => {
  it('rejects a real photo (not renamed) and an unknown format or model id clearly', () => {
    const home = freshHome();
    const photo = fs.readdirSync(fixture('images')).find((f) => f.endsWith('.png'))!;
    expect(cli(home, ['models', 'add', fixture(`images/${photo}`), '--json']).json.error.code).toBe(
      'NOT_A_CHECKPOINT',
    );
    expect(cli(home, ['export', 'no-such-model', '--format', 'onnx', '--json']).json.error.code).toBe(
      'MODEL_NOT_FOUND',
    );
    const badFormat = cli(home, ['export', fixture('models/detect.pt'), '--format', 'onyx', '--json']);
    expect(badFormat.json.error).toMatchObject({
      code: 'UNKNOWN_FORMAT',
      hint: expect.stringContaining('onnx'),
    });
    const noFormat = cli(home, ['export', fixture('models/detect.pt'), '--json']);
    expect(noFormat.code).toBe(2);
    expect(noFormat.json.error.code).toBe('USAGE');
  });
});
