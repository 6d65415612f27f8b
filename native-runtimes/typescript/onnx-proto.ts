import { VisionError } from './errors';

/** One graph input or output: name, ONNX element type and shape (a string for a symbolic dimension). */
export interface OnnxTensorInfo {
  name: string;
  elemType: OnnxElemType;
  shape: (number | string)[];
}

export type OnnxElemType =
  | 'FLOAT'
  | 'UINT8'
  | 'INT8'
  | 'UINT16'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'STRING'
  | 'BOOL'
  | 'FLOAT16'
  | 'DOUBLE'
  | 'UINT32'
  | 'UINT64'
  | 'BFLOAT16'
  | 'UNKNOWN';

export interface OnnxModelSummary {
  irVersion: number;
  /** The default (ai.onnx) domain's opset version. */
  opset: number | null;
  /** Every imported opset by domain ('ai.onnx' for the default domain). */
  opsets: Record<string, number>;
  producer: string;
  producerVersion: string;
  metadata: Record<string, string>;
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
}

const ELEM_TYPES: Record<number, OnnxElemType> = {
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  16: 'BFLOAT16',
};

/**
 * Reads what deployment needs from an ONNX file without a runtime: metadata_props (where Ultralytics writes
 * names, imgsz, stride, task), the producer and opsets, and the graph's inputs and outputs. Walks the protobuf wire
 * format directly and skips the weights, so a 100 MB model costs one pass over its bytes. The one ONNX reader: the
 * app's model cards, its preview and the platform service all read models with it.
 */
export function readOnnxSummary(bytes: Uint8Array): OnnxModelSummary {
  try {
    return parseOnnxSummary(bytes);
  } catch (error) {
    throw new VisionError(
      'INVALID_MODEL_FILE',
      `The file is not a valid ONNX model: ${(error as Error).message}.`,
      'Upload the model.onnx produced by the export (not a .pt checkpoint or a zip).',
    );
  }
}

/** readOnnxSummary without its VisionError: throws a plain Error saying why the bytes are not an ONNX model. */
export function parseOnnxSummary(bytes: Uint8Array): OnnxModelSummary {
  const summary: OnnxModelSummary = {
    irVersion: 0,
    opset: null,
    opsets: {},
    producer: '',
    producerVersion: '',
    metadata: {},
    inputs: [],
    outputs: [],
  };
  let sawGraph = false;
  for (const field of fields(bytes, 0, bytes.length)) {
    if (field.number === 1 && field.wire === 0) summary.irVersion = field.value;
    else if (field.number === 2 && field.wire === 2) summary.producer = text(bytes, field);
    else if (field.number === 3 && field.wire === 2) summary.producerVersion = text(bytes, field);
    else if (field.number === 8 && field.wire === 2) {
      const opset = readOpset(bytes, field);
      summary.opsets[opset.domain || 'ai.onnx'] = opset.version;
      if (opset.domain === '' || opset.domain === 'ai.onnx') summary.opset = opset.version;
    } else if (field.number === 14 && field.wire === 2) {
      const entry = readStringPair(bytes, field);
      summary.metadata[entry.key] = entry.value;
    } else if (field.number === 7 && field.wire === 2) {
      sawGraph = true;
      readGraph(bytes, field, summary);
    }
  }
  if (!sawGraph || summary.irVersion === 0) throw new Error('no ir_version or graph found');
  return summary;
}

interface Field {
  number: number;
  wire: number;
  /** Varint value (wire 0) or byte length (wire 2). */
  value: number;
  start: number;
}

function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const [key, afterKey] = varint(bytes, at);
    const number = Math.floor(key / 8);
    const wire = key % 8;
    if (number === 0) throw new Error(`invalid field number at byte ${at}`);
    at = afterKey;
    if (wire === 0) {
      const [value, next] = varint(bytes, at);
      yield { number, wire, value, start: at };
      at = next;
    } else if (wire === 2) {
      const [length, next] = varint(bytes, at);
      if (next + length > end) throw new Error(`field ${number} runs past the end of its message`);
      yield { number, wire, value: length, start: next };
      at = next + length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`unsupported wire type ${wire} at byte ${at}`);
  }
  if (at !== end) throw new Error('truncated message');
}

function varint(bytes: Uint8Array, start: number): [number, number] {
  let value = 0;
  let multiplier = 1;
  for (let at = start; at < start + 10; at++) {
    const byte = bytes[at];
    if (byte === undefined) throw new Error('truncated varint');
    value += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if (byte < 0x80) return [value >= 2 ** 63 ? value - 2 ** 64 : value, at + 1];
  }
  throw new Error('varint too long');
}

const decoder = new TextDecoder();
function text(bytes: Uint8Array, field: Field): string {
  return decoder.decode(bytes.subarray(field.start, field.start + field.value));
}

function readOpset(bytes: Uint8Array, at: Field): { domain: string; version: number } {
  const out = { domain: '', version: 0 };
  for (const f of fields(bytes, at.start, at.start + at.value)) {
    if (f.number === 1 && f.wire === 2) out.domain = text(bytes, f);
    if (f.number === 2 && f.wire === 0) out.version = f.value;
  }
  return out;
}

function readStringPair(bytes: Uint8Array, at: Field): { key: string; value: string } {
  const out = { key: '', value: '' };
  for (const f of fields(bytes, at.start, at.start + at.value)) {
    if (f.number === 1 && f.wire === 2) out.key = text(bytes, f);
    if (f.number === 2 && f.wire === 2) out.value = text(bytes, f);
  }
  return out;
}

function readGraph(bytes: Uint8Array, at: Field, summary: OnnxModelSummary): void {
  const initializers = new Set<string>();
  const inputs: OnnxTensorInfo[] = [];
  for (const f of fields(bytes, at.start, at.start + at.value)) {
    if (f.wire !== 2) continue;
    if (f.number === 11) inputs.push(readValueInfo(bytes, f));
    else if (f.number === 12) summary.outputs.push(readValueInfo(bytes, f));
    else if (f.number === 5) initializers.add(readTensorName(bytes, f));
  }
  // Before IR 4 initializers were also listed as graph inputs; only the rest are fed at run time.
  summary.inputs = inputs.filter((input) => !initializers.has(input.name));
}

function readTensorName(bytes: Uint8Array, at: Field): string {
  for (const f of fields(bytes, at.start, at.start + at.value)) {
    if (f.number === 8 && f.wire === 2) return text(bytes, f);
  }
  return '';
}

function readValueInfo(bytes: Uint8Array, at: Field): OnnxTensorInfo {
  const info: OnnxTensorInfo = { name: '', elemType: 'UNKNOWN', shape: [] };
  for (const f of fields(bytes, at.start, at.start + at.value)) {
    if (f.number === 1 && f.wire === 2) info.name = text(bytes, f);
    if (f.number !== 2 || f.wire !== 2) continue;
    for (const typeField of fields(bytes, f.start, f.start + f.value)) {
      if (typeField.number !== 1 || typeField.wire !== 2) continue;
      for (const tensorField of fields(bytes, typeField.start, typeField.start + typeField.value)) {
        if (tensorField.number === 1 && tensorField.wire === 0) {
          info.elemType = ELEM_TYPES[tensorField.value] ?? 'UNKNOWN';
        }
        if (tensorField.number === 2 && tensorField.wire === 2) info.shape = readShape(bytes, tensorField);
      }
    }
  }
  return info;
}

function readShape(bytes: Uint8Array, at: Field): (number | string)[] {
  const shape: (number | string)[] = [];
  for (const f of fields(bytes, at.start, at.start + at.value)) {
    if (f.number !== 1 || f.wire !== 2) continue;
    let dim: number | string = '?';
    for (const d of fields(bytes, f.start, f.start + f.value)) {
      if (d.number === 1 && d.wire === 0) dim = d.value;
      if (d.number === 2 && d.wire === 2) dim = text(bytes, d) || '?';
    }
    shape.push(dim);
  }
  return shape;
}

/**
 * The serialized graph (nodes, weights, inputs, outputs) without the model's metadata_props, whose `date` changes
 * with every export: two exports of one checkpoint compute the same when these bytes are equal.
 */
export function onnxGraphBytes(bytes: Uint8Array): Uint8Array {
  for (const field of fields(bytes, 0, bytes.length)) {
    if (field.number === 7 && field.wire === 2) return bytes.subarray(field.start, field.start + field.value);
  }
  throw new VisionError('INVALID_MODEL_FILE', 'The ONNX file holds no graph.', 'Export the model again.');
}
