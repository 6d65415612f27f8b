/**
 * The `metadata` parameter end to end, without a server: configs written by the platform (both Triton backends) and
 * by the trainers (TensorRT's deferred build, Python) for the shared conformance cases — hostile class and tensor
 * names included — parsed with Triton's own model_config_pb2, then read back by Ultralytics' own code
 * (tests/support/ultralytics_triton_reader.py: AutoBackend → TritonRemoteModel → apply_metadata) from the JSON form
 * Triton's HTTP API serves. A real tritonserver loading such a config is in backends/triton.int.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnnxSummary, resolveModelInfo } from '@edgepack/runtime';
import { exportedPackage, platformPython, repo, runPython, toolchainPython } from '../test-support/services';
import { tinyDetector } from '../test-support/tiny-models';
import {
  parseWithTritonSchema,
  readWithUltralytics,
  type ParsedTritonConfig,
  type UltralyticsReadBack,
} from '../test-support/triton-schema';
import { renderConfigPbtxt, tritonModelConfig } from './config-pbtxt';
import { metadataParameter, tritonModelFacts, type TritonModelFacts } from './triton-metadata';

interface FixtureFacts {
  task: string;
  names: string[];
  imgsz: [number, number];
  stride: number;
  batch: number;
  end2end: boolean;
  kpt_shape: [number, number] | null;
}
const fixture = JSON.parse(
  readFileSync(path.join(repo, 'tests', 'fixtures', 'triton', 'metadata-parameter.json'), 'utf8'),
) as { cases: { name: string; facts: FixtureFacts; parameter: string }[] };

const factsOf = (f: FixtureFacts): TritonModelFacts => ({
  task: f.task,
  names: f.names,
  imgsz: f.imgsz,
  stride: f.stride,
  batch: f.batch,
  endToEnd: f.end2end,
  kptShape: f.kpt_shape,
});

const HOSTILE_TENSORS = { input: 'images "in"\n}', output: 'out\\put } 猫' };

/** The trainers' TensorRT config for each case, written by their own Python (the toolchain's interpreter). */
const TRAINER_CONFIGS = `
import json, sys
from trainers.ultralytics.formats.tensorrt import triton_config
cases, tensors, out = json.load(open(sys.argv[1], encoding="utf-8")), json.loads(sys.argv[2]), sys.argv[3]
for i, case in enumerate(cases):
    io = {"input": {"name": tensors["input"], "shape": [1, 3, 64, 64], "dtype": "float32"},
          "outputs": [{"name": tensors["output"], "shape": [1, 6, 84], "dtype": "float32"}]}
    with open(f"{out}/trainer-{i}.pbtxt", "w", encoding="utf-8") as fh:
        fh.write(triton_config(io, case["facts"]))
`;

let platformPy: string;
let toolchainPy: string;
let dir: string;
beforeAll(() => {
  platformPy = platformPython();
  toolchainPy = toolchainPython();
  dir = mkdtempSync(path.join(os.tmpdir(), 'triton-metadata-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFacts(read: UltralyticsReadBack, facts: FixtureFacts, label: string): void {
  expect(read.format, label).toBe('triton');
  expect(read.names, label).toEqual(facts.names.map((n, i) => [i, n]));
  expect([read.imgsz, read.task], label).toEqual([facts.imgsz, facts.task]);
  expect([read.stride, read.batch, read.end2end, read.kpt_shape], label).toEqual([
    facts.stride,
    facts.batch,
    facts.end2end,
    facts.kpt_shape,
  ]);
}

describe("the metadata parameter through model_config_pb2 and Ultralytics' Triton reader", () => {
  it('platform and trainer configs parse, carry the same parameter, and give Ultralytics back exactly the facts', () => {
    const summary = readOnnxSummary(tinyDetector());
    const files: string[] = [];
    const labels: string[] = [];
    fixture.cases.forEach((c, i) => {
      for (const backend of ['onnxruntime', 'python'] as const) {
        const config = tritonModelConfig({
          modelName: `platform-${backend}-${i}`,
          summary,
          backend,
          instances: 1,
          facts: factsOf(c.facts),
        });
        config.inputs[0]!.name = HOSTILE_TENSORS.input;
        config.outputs[0]!.name = HOSTILE_TENSORS.output;
        const file = path.join(dir, `platform-${backend}-${i}.pbtxt`);
        writeFileSync(file, renderConfigPbtxt(config));
        files.push(file);
        labels.push(`platform ${backend}: ${c.name}`);
      }
    });
    const casesFile = path.join(dir, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(fixture.cases));
    runPython(toolchainPy, TRAINER_CONFIGS, [casesFile, JSON.stringify(HOSTILE_TENSORS), dir], {
      PYTHONPATH: repo,
    });
    fixture.cases.forEach((c, i) => {
      const file = path.join(dir, `trainer-${i}.pbtxt`);
      // one parameter, byte for byte, from both generators
      expect(readFileSync(file, 'utf8').endsWith(c.parameter)).toBe(true);
      files.push(file);
      labels.push(`trainers tensorrt: ${c.name}`);
    });

    const parsed = parseWithTritonSchema(platformPy, files);
    const configs: Record<string, unknown>[] = [];
    const expected: FixtureFacts[] = [];
    parsed.forEach((p: ParsedTritonConfig, k) => {
      expect(p.ok, `${labels[k]}: ${p.error}`).toBe(true);
      expect(p.inputs![0]![0]).toBe(HOSTILE_TENSORS.input);
      expect(p.outputs![0]![0]).toBe(HOSTILE_TENSORS.output);
      // every config of one case holds the very same parameter value
      const caseIndex = k < fixture.cases.length * 2 ? Math.floor(k / 2) : k - fixture.cases.length * 2;
      expect(p.parameters!.metadata).toBe(parsed[caseIndex * 2]!.parameters!.metadata);
      configs.push({ ...p.json, name: `model-${k}` });
      expected.push(fixture.cases[caseIndex]!.facts);
    });
    expect(parsed.filter((p) => p.platform === 'tensorrt_plan')).toHaveLength(fixture.cases.length);

    const read = readWithUltralytics(toolchainPy, configs);
    read.forEach((r, k) => expectFacts(r, expected[k]!, labels[k]!));
  });

  it('for real export packages, the platform and the trainers derive the same parameter (metadata.json, then the ONNX)', async () => {
    const script = `
import json, sys
from pathlib import Path
from trainers.common.triton import facts_from_metadata, metadata_parameter
from trainers.ultralytics.formats.tensorrt import ultralytics_onnx_props
parameters = []
for d in map(Path, sys.argv[1:]):
    meta = json.loads((d / "metadata.json").read_text(encoding="utf-8"))
    parameters.append(metadata_parameter(facts_from_metadata(meta, ultralytics_onnx_props(d / "model.onnx"))))
print(json.dumps(parameters))
`;
    const packages = await Promise.all(
      (['detect', 'segment', 'classify', 'pose'] as const).map((task) => exportedPackage(task)),
    );
    const fromTrainers = JSON.parse(
      runPython(
        toolchainPy,
        script,
        packages.map((p) => p.dir),
        { PYTHONPATH: repo },
      ),
    ) as string[];
    packages.forEach((p, i) => {
      const summary = readOnnxSummary(p.onnx);
      const info = resolveModelInfo({ metadataJson: p.metadata, onnx: summary });
      expect(metadataParameter(tritonModelFacts(info, summary))).toBe(fromTrainers[i]);
    });
    expect(fromTrainers[3]).toContain("'kpt_shape': [3, 3]");
  });

  it("Ultralytics' guide's naive string_value does not even parse with such names (ultralytics#22111)", () => {
    const metadata = `{'task': 'detect', 'names': {0: 'say "cheese"'}}`;
    const naive = `name: "m"\nparameters {\n  key: "metadata"\n  value {\n    string_value: "${metadata}"\n  }\n}\n`;
    const file = path.join(dir, 'naive.pbtxt');
    writeFileSync(file, naive);
    const [result] = parseWithTritonSchema(platformPy, [file]);
    expect(result!.ok).toBe(false);
  });
});
