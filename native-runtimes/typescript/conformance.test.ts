/**
 * The reference against its own conformance vectors (native-runtimes/conformance/): decoding, placement, the input
 * tensor, post-processing of the committed raw outputs, the model run end to end, and freshness — the committed case
 * is what the builder makes now, so a change of the reference that changes an answer fails here until
 * `npm run gen:conformance` is re-run and its diff reviewed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConformanceCase, placement, postprocessOutputs } from './conformance-case';
import { openConformanceModel, type ConformanceModel } from './conformance-model';
import {
  readCaseModel,
  readCaseOutputs,
  readConformanceCase,
  readConformanceIndex,
} from './conformance-files';
import { postprocessOptionsOf, sha256Hex, tensorBytes, tensorFromBytes } from './conformance-format';
import { decodeImage } from './decode';
import { inputTensor, type WireTensor } from './io-tensors';
import { inputTransformFor, prepareInput } from './preprocess';

const ROOT = path.resolve(import.meta.dirname, '..', 'conformance');
const index = readConformanceIndex(ROOT);
const models = new Map<string, ConformanceModel>();

function modelFor(modelPath: string): ConformanceModel {
  let model = models.get(modelPath);
  if (!model) {
    model = openConformanceModel(readCaseModel(ROOT, modelPath));
    models.set(modelPath, model);
  }
  return model;
}

const read = (file: string) => new Uint8Array(fs.readFileSync(path.join(ROOT, file)));

afterAll(async () => {
  for (const model of models.values()) await model.release();
});

it('lists exactly the case folders there are', () => {
  const folders = fs.readdirSync(path.join(ROOT, 'cases')).sort();
  expect([...index.cases].sort()).toEqual(folders);
  expect(index.cases.length).toBeGreaterThanOrEqual(17);
});

describe.each(index.cases)('conformance case %s', (name) => {
  const vector = readConformanceCase(ROOT, name);
  const model = modelFor(vector.model);
  const options = postprocessOptionsOf(vector.options);
  const committedOutputs = readCaseOutputs(ROOT, vector);
  /** The case built now: the model run, or from the raw outputs given. */
  const build = (outputs?: WireTensor[]) =>
    buildConformanceCase(model, {
      name,
      imagePath: vector.image,
      imageBytes: read(vector.image),
      options,
      outputs,
    });

  it('decodes the image to the committed pixels, and decoded.png holds them losslessly', async () => {
    const decoded = await decodeImage(read(vector.image));
    expect([decoded.width, decoded.height]).toEqual([vector.decoded.width, vector.decoded.height]);
    expect(sha256Hex(decoded.data)).toBe(vector.decoded.sha256);
    const png = await decodeImage(read(vector.decoded.png));
    expect(sha256Hex(png.data)).toBe(vector.decoded.sha256);
  });

  it('places the image and lays out the input tensor as committed', async () => {
    const decoded = await decodeImage(read(vector.image));
    const prepared = prepareInput(decoded, model.ready.input);
    expect(placement(prepared, model.ready.input.padValue)).toEqual(vector.preprocess);
    const feed = inputTensor(prepared.tensor, [...prepared.dims], model.inputType);
    expect(feed.dims).toEqual(vector.input.shape);
    expect(sha256Hex(tensorBytes(feed))).toBe(vector.input.sha256);
    for (const [at, value] of vector.input.samples) expect(prepared.tensor[at]).toBe(value);
  });

  it('post-processes the committed raw outputs to exactly the committed predictions', () => {
    vector.outputs.forEach((output) => expect(sha256Hex(read(output.file))).toBe(output.sha256));
    const { width, height } = vector.decoded;
    const transform = inputTransformFor(width, height, model.ready.input);
    const result = postprocessOutputs(model, transform, vector.decoded, committedOutputs, options);
    expect(result.predictions).toEqual(vector.predictions);
  });

  it('gives the same predictions running model.onnx end to end', async () => {
    const fresh = await build();
    // Raw outputs may differ in the last bits on another CPU's kernels; the answer may not.
    expect(fresh.caseJson.predictions).toEqual(vector.predictions);
    expect(fresh.caseJson.predictions.length).toBeGreaterThan(0);
  });

  it('is fresh: the builder makes the committed case from the committed raw outputs', async () => {
    const rebuilt = await build(committedOutputs);
    expect(rebuilt.caseJson).toEqual(vector);
    for (const output of vector.outputs) expect(rebuilt.files.get(output.file)).toEqual(read(output.file));
    const png = await decodeImage(rebuilt.files.get(vector.decoded.png)!);
    expect(sha256Hex(png.data)).toBe(vector.decoded.sha256);
  });
});

describe('the freshness check', () => {
  it('notices a changed answer: weaker scores in the raw outputs give other predictions', async () => {
    const vector = readConformanceCase(ROOT, 'detect-shapes');
    const [output] = readCaseOutputs(ROOT, vector);
    const values = new Float32Array(output!.data);
    const anchors = output!.dims[2]!;
    for (let i = 4 * anchors; i < values.length; i++) values[i] = values[i]! * 0.9; // class scores follow the box
    const rebuilt = await buildConformanceCase(modelFor(vector.model), {
      name: vector.name,
      imagePath: vector.image,
      imageBytes: read(vector.image),
      options: postprocessOptionsOf(vector.options),
      outputs: [{ ...output!, data: values.buffer }],
    });
    expect(rebuilt.caseJson.predictions).not.toEqual(vector.predictions);
  });

  it('refuses a case name that is not a plain folder name', async () => {
    const vector = readConformanceCase(ROOT, 'detect-shapes');
    const request = { name: '../escape', imagePath: vector.image, imageBytes: read(vector.image) };
    await expect(buildConformanceCase(modelFor(vector.model), request)).rejects.toThrow(/cannot name a case/);
  });

  it('refuses a raw output whose size does not match its shape, naming it', () => {
    expect(() =>
      tensorFromBytes(new Uint8Array(12), { name: 'output0', shape: [1, 7, 525], dtype: 'float32' }),
    ).toThrow(/"output0" holds 12 bytes; float32 \[1, 7, 525\] needs 14700/);
  });
});
