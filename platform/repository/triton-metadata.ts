/**
 * The `metadata` parameter of a Triton config.pbtxt, which Ultralytics' Triton client reads to know a served model's
 * class names, input size and task (`YOLO("http://host:8000/model")`), and the protobuf text-format strings every
 * config.pbtxt field needs.
 *
 * Ultralytics (ultralytics/utils/triton.py, `TritonRemoteModel`) reads
 * `ast.literal_eval(config["parameters"]["metadata"]["string_value"])`, then `BaseBackend.apply_metadata`: the value
 * must be a Python literal (JSON's true/false/null are not one). Its guide pastes `str(metadata)` between double
 * quotes, which breaks on the first double quote inside a string (ultralytics/ultralytics#22111). Here each string is
 * escaped once per layer: as an ASCII Python literal, then as a protobuf text-format string.
 *
 * The trainers write the same parameter into TensorRT's deferred build (trainers/common/triton.py). Both are checked
 * against tests/fixtures/triton/metadata-parameter.json, so the two stay byte-compatible.
 */
import type { ModelInfo, OnnxModelSummary } from '@edgepack/runtime';

/** What Ultralytics needs to read a served model (names by class id, imgsz [height, width]). */
export interface TritonModelFacts {
  task: string;
  names: readonly string[];
  imgsz: readonly [number, number];
  stride: number;
  /** The model's fixed batch (1 when its batch dimension is free): Ultralytics splits larger batches by it. */
  batch: number;
  /** The model outputs final boxes (NMS inside, or an end-to-end head). */
  endToEnd: boolean;
  kptShape: readonly [number, number] | null;
}

/**
 * A protobuf text-format string literal: protobuf's own CEscape of the UTF-8 bytes (octal escapes for
 * non-printable and non-ASCII bytes), except that `'` is left as is (its escape is optional inside double quotes).
 */
export function pbtxtString(text: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x22) out += '\\"';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** A Python literal value: what `pythonLiteral` writes. Maps keep their key order and integer keys. */
export type PyLiteral =
  null | boolean | number | string | readonly PyLiteral[] | ReadonlyMap<PyLiteral, PyLiteral>;

/**
 * An ASCII Python literal that `ast.literal_eval` reads back exactly. Looks like `repr()` for plain ASCII text;
 * strings always use single quotes; other characters are `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
 */
export function pythonLiteral(value: PyLiteral): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new Error(`Only integers are written as Python literals, not ${value}.`);
    return String(value);
  }
  if (typeof value === 'string') return pythonString(value);
  if (value instanceof Map) {
    return `{${[...value.entries()].map(([k, v]) => `${pythonLiteral(k)}: ${pythonLiteral(v)}`).join(', ')}}`;
  }
  return `[${(value as readonly PyLiteral[]).map(pythonLiteral).join(', ')}]`;
}

function pythonString(text: string): string {
  let out = "'";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '\\') out += '\\\\';
    else if (char === "'") out += "\\'";
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}'`;
}

/** Ultralytics' exporter metadata, reduced to what its readers use, in its key order. */
export function ultralyticsMetadata(facts: TritonModelFacts): Map<string, PyLiteral> {
  const meta = new Map<string, PyLiteral>([
    ['stride', facts.stride],
    ['task', facts.task],
    ['batch', facts.batch],
    ['imgsz', [...facts.imgsz]],
    ['names', new Map<PyLiteral, PyLiteral>(facts.names.map((name, id) => [id, name]))],
    ['channels', 3],
    ['end2end', facts.endToEnd],
  ]);
  if (facts.kptShape) meta.set('kpt_shape', [...facts.kptShape]);
  return meta;
}

/** The config.pbtxt `parameters` entry Ultralytics' Triton client reads (its key is "metadata"). */
export function metadataParameter(facts: TritonModelFacts): string {
  const literal = pythonLiteral(ultralyticsMetadata(facts));
  return `parameters {\n  key: "metadata"\n  value {\n    string_value: ${pbtxtString(literal)}\n  }\n}\n`;
}

/**
 * A deployment's facts for Triton: its resolved model facts, with the ONNX input's fixed height and width (what the
 * service letterboxes to) and fixed batch.
 */
export function tritonModelFacts(info: ModelInfo, summary: OnnxModelSummary): TritonModelFacts {
  const shape = summary.inputs[0]?.shape ?? [];
  const fixed = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;
  const [batch, , height, width] = shape;
  return {
    task: info.task,
    names: info.names,
    imgsz: fixed(height) && fixed(width) ? [height, width] : info.imgsz,
    stride: info.stride,
    batch: fixed(batch) ? batch : 1,
    endToEnd: info.endToEnd,
    kptShape: info.kptShape,
  };
}
