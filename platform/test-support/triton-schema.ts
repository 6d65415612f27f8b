import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repo, runPython, ultralyticsEnv } from './services';

export interface ParsedTritonConfig {
  ok: boolean;
  error?: string;
  name?: string;
  platform?: string;
  backend?: string;
  max_batch_size?: number;
  inputs?: [string, string, number[]][];
  outputs?: [string, string, number[]][];
  instance_groups?: [number, string][];
  dynamic_batching?: boolean;
  /** String parameters by key (`parameters { key value { string_value } }`). */
  parameters?: Record<string, string>;
  /** The whole config as Triton's HTTP API returns it (`GET /v2/models/<name>/config`: proto field names). */
  json?: Record<string, unknown>;
}

/** Parses config.pbtxt files with Triton's own schema (tritonclient's model_config_pb2, strict text format). */
const SCRIPT = `
import json, sys
from google.protobuf import json_format, text_format
from tritonclient.grpc import model_config_pb2 as mc
out = []
for path in sys.argv[1:]:
    try:
        c = text_format.Parse(open(path, encoding="utf-8").read(), mc.ModelConfig())
    except text_format.ParseError as e:
        out.append({"ok": False, "error": str(e)})
        continue
    t = lambda xs: [[x.name, mc.DataType.Name(x.data_type), list(x.dims)] for x in xs]
    out.append({
        "ok": True, "name": c.name, "platform": c.platform, "backend": c.backend, "max_batch_size": c.max_batch_size,
        "inputs": t(c.input), "outputs": t(c.output),
        "instance_groups": [[g.count, mc.ModelInstanceGroup.Kind.Name(g.kind)] for g in c.instance_group],
        "dynamic_batching": c.HasField("dynamic_batching"),
        "parameters": {k: v.string_value for k, v in c.parameters.items()},
        "json": json_format.MessageToDict(c, preserving_proto_field_name=True),
    })
print(json.dumps(out))
`;

export function parseWithTritonSchema(python: string, files: string[]): ParsedTritonConfig[] {
  return JSON.parse(runPython(python, SCRIPT, files)) as ParsedTritonConfig[];
}

/** What Ultralytics' own Triton reading path made of one served config (tests/support/ultralytics_triton_reader.py). */
export interface UltralyticsReadBack {
  format: string;
  /** [class id, name] pairs, as AutoBackend's `names` holds them (integer ids). */
  names: [number, string][];
  imgsz: number[];
  task: string;
  stride: number;
  batch: number;
  end2end: boolean;
  kpt_shape: number[] | null;
}

/**
 * Hands model configs, in the JSON form Triton's HTTP API serves (`GET /v2/models/<name>/config`), to Ultralytics'
 * AutoBackend → TritonRemoteModel → apply_metadata, in the trainers' toolchain (`python`, which has Ultralytics).
 */
export function readWithUltralytics(python: string, configs: object[]): UltralyticsReadBack[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ultralytics-triton-'));
  try {
    const file = path.join(dir, 'configs.json');
    writeFileSync(file, JSON.stringify(configs));
    const r = spawnSync(python, [path.join(repo, 'tests', 'support', 'ultralytics_triton_reader.py'), file], {
      encoding: 'utf8',
      env: { ...process.env, ...ultralyticsEnv() },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`the Ultralytics reader failed (exit ${r.status}):\n${r.stderr}`);
    return JSON.parse(r.stdout) as UltralyticsReadBack[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
