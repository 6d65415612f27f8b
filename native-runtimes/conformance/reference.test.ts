/** reference.ts as the other runtimes' tests call it: a subprocess answering from metadata.json and raw outputs. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConformanceCase } from '../typescript/conformance-files';
import { sha256Hex } from '../typescript/conformance-format';
import type { ConformanceCase } from '../typescript/conformance-format';

const HERE = import.meta.dirname;
const RUN_TS = path.resolve(HERE, '..', '..', 'bin', 'run-ts.mjs');

function reference(...args: string[]) {
  const r = spawnSync(process.execPath, [RUN_TS, 'reference.ts', ...args], { cwd: HERE, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const metadataOf = (vector: ConformanceCase) => `${vector.model}/metadata.json`;

/** postprocess's file arguments for a case, with `outputs` as the raw output files. */
const filesOf = (vector: ConformanceCase, outputs: string) => [
  ...['--metadata', metadataOf(vector), '--image', vector.image, '--outputs', outputs],
];

describe('reference.ts postprocess', () => {
  it.each(['detect-bus', 'segment-edge', 'pose-zidane', 'classify-bus'])(
    'answers the committed predictions of %s from its raw outputs and metadata.json alone',
    (name) => {
      const vector = readConformanceCase(HERE, name);
      const { options } = vector;
      const r = reference(
        'postprocess',
        ...filesOf(vector, vector.outputs.map((o) => o.file).join(',')),
        ...[
          '--conf',
          String(options.conf),
          '--max-det',
          String(options.max_det),
          '--top-k',
          String(options.top_k),
        ],
        '--json',
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const answer = JSON.parse(r.stdout) as { predictions: unknown; options: { conf: number } };
      expect(answer.predictions).toEqual(vector.predictions);
      expect(answer.options.conf).toBe(options.conf);
    },
  );

  it('answers differently for other thresholds (the options are applied, not ignored)', () => {
    const vector = readConformanceCase(HERE, 'detect-bus');
    const r = reference(
      'postprocess',
      ...filesOf(vector, vector.outputs[0]!.file),
      '--conf',
      '0.01',
      '--max-det',
      '3',
      '--json',
    );
    expect(r.status).toBe(0);
    const predictions = (JSON.parse(r.stdout) as { predictions: unknown[] }).predictions;
    expect(predictions).toEqual(vector.predictions.slice(0, 3));
  });

  it('refuses a raw output of the wrong size, naming the output and the size it needs (exit 1)', () => {
    const vector = readConformanceCase(HERE, 'detect-bus');
    const short = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reference-')), 'output0.bin');
    fs.writeFileSync(short, fs.readFileSync(path.join(HERE, vector.outputs[0]!.file)).subarray(0, 100));
    const r = reference('postprocess', ...filesOf(vector, short));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('"output0" holds 100 bytes; float32 [1, 7, 525] needs 14700');
  });

  it('refuses as many output files as the model does not have, listing its outputs (exit 2)', () => {
    const vector = readConformanceCase(HERE, 'segment-edge');
    const r = reference('postprocess', ...filesOf(vector, vector.outputs[0]!.file));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the model has 2 output(s): output0, output1');
  });

  it('says what is missing or unreadable', () => {
    const missing = reference(
      'postprocess',
      '--metadata',
      'models/detect/metadata.json',
      '--image',
      'images/bus.jpg',
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--outputs is required.');
    const notJson = reference('preprocess', '--metadata', 'images/tiny.png', '--image', 'images/bus.jpg');
    expect(notJson.status).toBe(1);
    expect(notJson.stderr).toContain('images/tiny.png is not valid JSON');
    const unknown = reference('predict');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "predict"');
  });
});

describe('reference.ts preprocess', () => {
  it.each(['letterbox-tall', 'letterbox-exif', 'classify-bus'])(
    'gives the committed decode, placement and input tensor of %s',
    (name) => {
      const vector = readConformanceCase(HERE, name);
      const tensorFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reference-')), 'input.bin');
      const r = reference(
        'preprocess',
        ...['--metadata', metadataOf(vector), '--image', vector.image, '--tensor-out', tensorFile, '--json'],
      );
      expect(r.status).toBe(0);
      const answer = JSON.parse(r.stdout) as {
        decoded: { sha256: string };
        preprocess: unknown;
        input: { sha256: string };
      };
      expect(answer.decoded.sha256).toBe(vector.decoded.sha256);
      expect(answer.preprocess).toEqual(vector.preprocess);
      expect(answer.input.sha256).toBe(vector.input.sha256);
      expect(sha256Hex(fs.readFileSync(tensorFile))).toBe(vector.input.sha256);
    },
  );
});
