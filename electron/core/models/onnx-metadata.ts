import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import type { InspectedModel } from './inspected';
import { isTask } from '../../contract';

/**
 * Reads an ONNX model's top-level facts without the graph: metadata_props (where Ultralytics, and Edgepack, put
 * names/imgsz/task), the producer and the opsets. Only the ModelProto's own fields are walked; the graph is skipped.
 */
export function readOnnxProps(buffer: Buffer): {
  metadata: Record<string, string>;
  producer: string | null;
  producerVersion: string | null;
  irVersion: number | null;
  opsets: Record<string, number>;
} {
  const metadata: Record<string, string> = {};
  const opsets: Record<string, number> = {};
  let producer: string | null = null;
  let producerVersion: string | null = null;
  let irVersion: number | null = null;
  for (const field of fields(buffer, 0, buffer.length)) {
    if (field.number === 1 && field.wire === 0) irVersion = Number(field.varint);
    else if (field.number === 2 && field.wire === 2) producer = field.bytes!.toString('utf8');
    else if (field.number === 3 && field.wire === 2) producerVersion = field.bytes!.toString('utf8');
    else if (field.number === 8 && field.wire === 2) {
      let domain = '';
      let version = 0;
      for (const f of fields(field.bytes!, 0, field.bytes!.length)) {
        if (f.number === 1 && f.wire === 2) domain = f.bytes!.toString('utf8');
        if (f.number === 2 && f.wire === 0) version = Number(f.varint);
      }
      opsets[domain || 'ai.onnx'] = version;
    } else if (field.number === 14 && field.wire === 2) {
      let key = '';
      let value = '';
      for (const f of fields(field.bytes!, 0, field.bytes!.length)) {
        if (f.number === 1 && f.wire === 2) key = f.bytes!.toString('utf8');
        if (f.number === 2 && f.wire === 2) value = f.bytes!.toString('utf8');
      }
      if (key) metadata[key] = value;
    }
  }
  return { metadata, producer, producerVersion, irVersion, opsets };
}

interface Field {
  number: number;
  wire: number;
  varint?: bigint;
  bytes?: Buffer;
}

function* fields(buffer: Buffer, start: number, end: number): Generator<Field> {
  let p = start;
  while (p < end) {
    const [key, afterKey] = varint(buffer, p);
    p = afterKey;
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [value, next] = varint(buffer, p);
      p = next;
      yield { number, wire, varint: value };
    } else if (wire === 2) {
      const [length, next] = varint(buffer, p);
      const stop = next + Number(length);
      if (stop > end) throw new Error('field runs past the end of the message');
      yield { number, wire, bytes: buffer.subarray(next, stop) };
      p = stop;
    } else if (wire === 1) {
      p += 8;
    } else if (wire === 5) {
      p += 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
}

function varint(buffer: Buffer, start: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let p = start;
  for (;;) {
    if (p >= buffer.length) throw new Error('varint runs past the end');
    const byte = buffer[p++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, p];
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

/** Ultralytics writes `names` as a Python dict repr: {0: 'person', 1: "o'clock"}. */
export function parseNames(text: string | undefined): string[] {
  if (!text) return [];
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      return (JSON.parse(trimmed) as unknown[]).map(String);
    } catch {
      /* fall through to the dict form */
    }
  }
  const names: [number, string][] = [];
  const pattern = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const match of trimmed.matchAll(pattern)) {
    names.push([Number(match[1]), (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1')]);
  }
  names.sort((a, b) => a[0] - b[0]);
  return names.map(([, name]) => name);
}

export function parseImgsz(text: string | undefined): number[] {
  if (!text) return [];
  const numbers = (text.match(/\d+/g) ?? []).map(Number).filter((n) => n > 0);
  if (numbers.length === 1) return [numbers[0]!, numbers[0]!];
  return numbers.slice(0, 2);
}

/** Opens the model in onnxruntime-node (proving it is a valid, runnable ONNX file) and reads what the card shows. */
export async function inspectOnnx(file: string): Promise<InspectedModel> {
  const name = path.basename(file);
  const buffer = fs.readFileSync(file);
  const invalid = (why: string, cause?: unknown) =>
    new AppError(
      'ONNX_INVALID',
      `${name} is not a valid ONNX model: ${why}`,
      'Export the model to ONNX again, or drop the .pt checkpoint it came from.',
      { cause },
    );
  let props: ReturnType<typeof readOnnxProps>;
  try {
    props = readOnnxProps(buffer);
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(buffer);
  } catch (error) {
    throw invalid((error as Error).message.split('\n')[0] ?? 'onnxruntime cannot load it', error);
  }
  try {
    const inputs = session.inputMetadata.map((m) => ({
      name: m.name,
      shape: m.isTensor ? m.shape.map((d) => (typeof d === 'number' ? d : String(d))) : [],
      type: m.isTensor ? m.type : 'non-tensor',
    }));
    const outputs = session.outputMetadata.map((m) => ({
      name: m.name,
      shape: m.isTensor ? m.shape.map((d) => (typeof d === 'number' ? d : String(d))) : [],
    }));
    const task = props.metadata['task'];
    let imgsz = parseImgsz(props.metadata['imgsz']);
    const shape = inputs[0]?.shape ?? [];
    if (
      imgsz.length === 0 &&
      shape.length === 4 &&
      typeof shape[2] === 'number' &&
      typeof shape[3] === 'number'
    ) {
      imgsz = [shape[2], shape[3]];
    }
    return {
      framework: 'onnx',
      task: isTask(task) ? task : null,
      classNames: parseNames(props.metadata['names']),
      imgsz,
      details: {
        producer: props.producer,
        producerVersion: props.producerVersion,
        irVersion: props.irVersion,
        opsets: props.opsets,
        inputs,
        outputs,
        metadata: props.metadata,
      },
    };
  } finally {
    await session.release();
  }
}
