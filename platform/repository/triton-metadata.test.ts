import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readOnnxSummary, resolveModelInfo } from '@edgepack/runtime';
import { tinyDetector } from '../test-support/tiny-models';
import { renderConfigPbtxt, tritonModelConfig } from './config-pbtxt';
import {
  metadataParameter,
  pbtxtString,
  pythonLiteral,
  tritonModelFacts,
  type TritonModelFacts,
} from './triton-metadata';

/** The conformance file the trainers' Python generator (trainers/common/triton.py) is checked against too. */
const FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../tests/fixtures/triton/metadata-parameter.json',
);
interface FixtureFacts {
  task: string;
  names: string[];
  imgsz: [number, number];
  stride: number;
  batch: number;
  end2end: boolean;
  kpt_shape: [number, number] | null;
}
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
  strings: { text: string; pbtxt: string }[];
  literals: { text: string; python: string }[];
  cases: { name: string; facts: FixtureFacts; parameter: string }[];
};

function factsOf(f: FixtureFacts): TritonModelFacts {
  return {
    task: f.task,
    names: f.names,
    imgsz: f.imgsz,
    stride: f.stride,
    batch: f.batch,
    endToEnd: f.end2end,
    kptShape: f.kpt_shape,
  };
}

describe('config.pbtxt strings and the metadata parameter, against the shared conformance file', () => {
  it.each(fixture.strings)('escapes %j for protobuf text format', ({ text, pbtxt }) => {
    expect(pbtxtString(text)).toBe(pbtxt);
  });

  it.each(fixture.literals)('writes %j as a Python literal', ({ text, python }) => {
    expect(pythonLiteral(text)).toBe(python);
  });

  it.each(fixture.cases)('writes the metadata parameter: $name', ({ facts, parameter }) => {
    expect(metadataParameter(factsOf(facts))).toBe(parameter);
  });

  it('leaves the config with ASCII only, whatever the names', () => {
    for (const { facts } of fixture.cases)
      expect(metadataParameter(factsOf(facts))).toMatch(/^[\x20-\x7e\n]*$/);
  });
});

describe('renderConfigPbtxt with the model facts', () => {
  const summary = readOnnxSummary(tinyDetector());
  const info = resolveModelInfo({
    metadataJson: { task: 'detect', names: ['a "b"', 'c\\d', '猫'], input: { shape: [1, 3, 64, 64] } },
  });

  it('appends the metadata parameter, and leaves it out without facts', () => {
    const base = { modelName: 'deployment-x', summary, backend: 'onnxruntime' as const, instances: 1 };
    const facts = tritonModelFacts(info, summary);
    const withFacts = renderConfigPbtxt(tritonModelConfig({ ...base, facts }));
    expect(withFacts.endsWith(metadataParameter(facts))).toBe(true);
    expect(withFacts).toContain(
      `'names': {0: 'a "b"', 1: 'c\\\\\\\\d', 2: '\\\\u732b'}`.replace(/"/g, '\\"'),
    );
    expect(renderConfigPbtxt(tritonModelConfig(base))).not.toContain('parameters');
  });

  it("takes the ONNX input's fixed size and batch, else the metadata's size and a batch of 1", () => {
    expect(tritonModelFacts(info, summary)).toEqual({
      task: 'detect',
      names: ['a "b"', 'c\\d', '猫'],
      imgsz: [64, 64],
      stride: 32,
      batch: 1,
      endToEnd: false,
      kptShape: null,
    });
    const dynamic = readOnnxSummary(tinyDetector({ dynamicBatch: true }));
    expect(tritonModelFacts({ ...info, imgsz: [96, 128] }, dynamic)).toMatchObject({
      imgsz: [64, 64],
      batch: 1,
    });
  });

  it('escapes tensor and model names', () => {
    const config = tritonModelConfig({ modelName: 'm"\n}', summary, backend: 'python', instances: 1 });
    config.inputs[0]!.name = 'in "put"\\\n}';
    const text = renderConfigPbtxt(config);
    expect(text).toContain('name: "m\\"\\n}"');
    expect(text).toContain('name: "in \\"put\\"\\\\\\n}"');
  });
});
